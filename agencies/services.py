"""Every write to agencies data: keyword-only, typed, atomic; events are published on commit."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from agencies import access_state, audit, auth_backends
from agencies.models import Agency, AgencyKind, Invitation, Notification, NotificationKind, User
from agencies.realtime import events


@transaction.atomic
def notification_send(
    *, recipient: User, title: str, kind: str = NotificationKind.GENERAL, url: str = ""
) -> Notification:
    if kind not in NotificationKind.values:
        raise ValueError(f"Unknown notification kind: {kind!r}")
    notification = Notification(recipient=recipient, kind=kind, title=title[:200], url=url[:300])
    notification.full_clean()
    notification.save()  # post_save retires the recipient's cached unread count (agencies.selectors)
    events.publish(
        events.user_group(recipient.pk), events.NotificationCreated(notification_id=notification.pk)
    )
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor: User) -> int:
    from agencies.selectors import notification_unread_forget

    count = Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())
    if count:
        # An UPDATE sends no post_save: retire the cached unread count here.
        notification_unread_forget([actor.pk])
        events.publish(events.user_group(actor.pk), events.NotificationsRead(count=count))
    return count


@transaction.atomic
def roles_sync() -> list[str]:
    """Create each role's group and set its permissions to exactly those of the role table,
    including Wagtail page permissions on the site root. Returns one line per role."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission, Page, Site

    from agencies.roles import ROLE_TABLE

    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    root_page = site.root_page if site is not None else Page.get_first_root_node()
    report = []
    for role, spec in ROLE_TABLE.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = []
        for dotted in sorted(spec.permissions):
            app_label, codename = dotted.split(".", 1)
            try:
                wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
            except Permission.DoesNotExist as exc:
                raise LookupError(f"Role {role.value!r} names an unknown permission {dotted!r}.") from exc
        group.permissions.set(wanted)
        GroupPagePermission.objects.filter(group=group).exclude(page=root_page).delete()
        existing = set(
            GroupPagePermission.objects.filter(group=group, page=root_page).values_list(
                "permission__codename", flat=True
            )
        )
        wanted_page = {f"{kind}_page" for kind in spec.page_permissions}
        GroupPagePermission.objects.filter(group=group, page=root_page).exclude(
            permission__codename__in=wanted_page
        ).delete()
        if root_page is not None:
            for codename in sorted(wanted_page - existing):
                GroupPagePermission.objects.create(group=group, page=root_page, permission_type=codename[:-5])
        collection_permissions_sync(group=group, codenames=spec.collection_permissions)
        page_kinds = ", ".join(sorted(spec.page_permissions)) or "-"
        report.append(f"{role.value}: {len(wanted)} permissions, page: {page_kinds}")
    # The m2m signals of group.permissions.set() already renewed it when something changed; say it
    # here too, so the sync is a boundary for cached permission sets whatever it touched.
    auth_backends.invalidate()
    return report


def collection_permissions_sync(*, group: Group, codenames: frozenset[str]) -> None:
    """The group holds exactly these Wagtail collection permissions, on the root collection."""
    from django.contrib.auth.models import Permission
    from wagtail.models import Collection, GroupCollectionPermission

    root = Collection.get_first_root_node()
    GroupCollectionPermission.objects.filter(group=group).exclude(
        collection=root, permission__codename__in=codenames
    ).delete()
    if root is None:
        return
    existing = set(
        GroupCollectionPermission.objects.filter(group=group, collection=root).values_list(
            "permission__codename", flat=True
        )
    )
    for codename in sorted(codenames - existing):
        app_label = "wagtaildocs" if codename.endswith("_document") else "wagtailimages"
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        GroupCollectionPermission.objects.create(group=group, collection=root, permission=permission)


# --- Access: sign-in events, MFA, invitations, roles and accounts -----------------------------------
# Every change is atomic and audited (agencies.audit, Wagtail's audit log). Losing access (a role
# removed, an account deactivated) also tells the person's open sockets to re-check at once.

INVITATION_SALT = "agencies.invitation"


def sign_in_record(*, user: User) -> None:
    audit.record(instance=user, action=audit.Action.SIGN_IN, actor=user, agency_id=user.agency_id)


def sign_out_record(*, user: User) -> None:
    audit.record(instance=user, action=audit.Action.SIGN_OUT, actor=user, agency_id=user.agency_id)


def sign_in_failed_record(*, email: str) -> None:
    """Audit a failed sign-in. For an existing account: against that account. For an address with
    no account: `unknown_sign_in_record` (no user is created, the address is not stored)."""
    address = (email or "").strip().lower()
    user = User.objects.filter(email=address).first()
    if user is not None:
        audit.record(instance=user, action=audit.Action.SIGN_IN_FAILED, agency_id=user.agency_id)
    else:
        unknown_sign_in_record(email=address)


def email_keyed_hash(email: str) -> str:
    """HMAC-SHA256 of a normalised address under a key derived from SECRET_KEY (shortened): the
    same address always gives the same value, and without the key no list of guesses can be
    checked against the log."""
    from django.utils.crypto import salted_hmac

    value = (email or "").strip().lower()
    return salted_hmac("agencies.audit.unknown_sign_in", value, algorithm="sha256").hexdigest()[:32]


def unknown_sign_in_record(*, email: str, action: audit.Action = audit.Action.SIGN_IN_FAILED_UNKNOWN) -> None:
    """Record a failed sign-in (or a lockout: action=LOCKED_OUT) for an address with no account.

    Stored: the address's domain and a keyed hash of it (email_keyed_hash), never the address or
    the password. The entry hangs off the agency that allows the domain (and is filtered under it),
    else off the platform operator's agency with no agency recorded (so platform administrators see
    it in the site history), else off the default Wagtail site."""
    from wagtail.models import Site

    domain = _email_domain(email)[:100]
    agency = None
    if domain:
        agency = next(
            (
                a
                for a in Agency.objects.all()
                if domain in {str(d).strip().lower() for d in a.allowed_email_domains or []}
            ),
            None,
        )
    instance = (
        agency
        or Agency.objects.filter(kind=AgencyKind.PLATFORM_OPERATOR).order_by("pk").first()
        or Site.objects.filter(is_default_site=True).first()
        or Site.objects.first()
    )
    if instance is None:
        return
    audit.record(
        instance=instance,
        action=action,
        agency_id=agency.pk if agency is not None else None,
        email_domain=domain,
        email_hash=email_keyed_hash(email),
    )


def lockout_record(*, email: str) -> None:
    """Audit a refused (locked-out) sign-in: against the account, or for an address with no
    account as unknown_sign_in_record does (domain and keyed hash only)."""
    address = (email or "").strip().lower()
    user = User.objects.filter(email=address).first()
    if user is not None:
        audit.record(instance=user, action=audit.Action.LOCKED_OUT, agency_id=user.agency_id)
    else:
        unknown_sign_in_record(email=address, action=audit.Action.LOCKED_OUT)


def session_timed_out_record(*, user: User) -> None:
    audit.record(instance=user, action=audit.Action.SESSION_TIMED_OUT, actor=user, agency_id=user.agency_id)


@transaction.atomic
def lockout_clear(*, actor: User, user: User) -> None:
    """An administrator lifts a sign-in lockout for an account (django-axes attempts)."""
    from axes.utils import reset

    from agencies import permissions

    if not permissions.can_manage_person(actor, user):
        raise PermissionDenied
    reset(username=user.email)
    audit.record(instance=user, action=audit.Action.UNLOCKED, actor=actor, agency_id=user.agency_id)


@transaction.atomic
def mfa_enrol_confirm(*, user: User, token: str) -> list[str] | None:
    """Confirm the pending authenticator with a code from it. On success the device is the
    account's only TOTP device, ten new recovery codes replace any old ones, and the codes are
    returned (to show once). Returns None when the code is wrong."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from agencies import mfa

    device = mfa.pending_totp_device(user)
    if not device.verify_token("".join(token.split())):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_replace(user=user)
    access_state.bump([user.pk])
    audit.record(instance=user, action=audit.Action.MFA_ENROLLED, actor=user, agency_id=user.agency_id)
    return codes


def _recovery_codes_replace(*, user: User) -> list[str]:
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    from agencies import mfa

    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=mfa.RECOVERY_DEVICE_NAME, confirmed=True)
    codes = mfa.new_recovery_codes()
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    from agencies import mfa

    if not mfa.has_confirmed_device(user):
        raise PermissionDenied("Set up an authenticator app first.")
    codes = _recovery_codes_replace(user=user)
    audit.record(
        instance=user, action=audit.Action.RECOVERY_CODES_REGENERATED, actor=user, agency_id=user.agency_id
    )
    return codes


@transaction.atomic
def mfa_verify(*, user: User, token: str) -> object | None:
    """Check a code from the authenticator app or a recovery code. Returns the device that
    accepted it (a recovery code is used up), or None."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from agencies import mfa

    compact = "".join(token.split())
    if compact.isdigit():
        for device in TOTPDevice.objects.filter(user=user, confirmed=True).select_for_update():
            if device.verify_token(compact):
                audit.record(
                    instance=user, action=audit.Action.MFA_VERIFIED, actor=user, agency_id=user.agency_id
                )
                return device
    else:
        device = mfa.recovery_device(user)
        if (
            device is not None
            and mfa.has_confirmed_device(user)
            and device.verify_token(mfa.normalise_code(token))
        ):
            audit.record(
                instance=user,
                action=audit.Action.RECOVERY_CODE_USED,
                actor=user,
                agency_id=user.agency_id,
                codes_left=device.token_set.count(),
            )
            return device
    audit.record(instance=user, action=audit.Action.MFA_FAILED, actor=user, agency_id=user.agency_id)
    return None


@transaction.atomic
def mfa_reset(*, actor: User, user: User) -> None:
    """Remove a person's authenticator and recovery codes (lost phone). They must enrol again at
    their next request; their open sessions lose their verification with the devices."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from agencies import permissions

    if not permissions.can_manage_person(actor, user):
        raise PermissionDenied
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    access_state.bump([user.pk])
    audit.record(instance=user, action=audit.Action.MFA_RESET, actor=actor, agency_id=user.agency_id)
    events.access_changed(user.pk)


def _email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower() if "@" in email else ""


def email_domain_allowed(*, agency: Agency, email: str) -> bool:
    allowed = {str(domain).strip().lower() for domain in agency.allowed_email_domains or []}
    return _email_domain(email) in allowed


def _role_from_value(value: str) -> object:
    from agencies.roles import Role

    try:
        return Role(value)
    except ValueError as exc:
        raise ValidationError({"role": "Choose a role."}) from exc


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def invitation_token(*, invitation: Invitation, secret: str) -> str:
    return signing.dumps({"i": invitation.pk, "s": secret}, salt=INVITATION_SALT, compress=True)


def _invitation_secret(invitation: Invitation) -> str:
    """The link's secret: a keyed hash (SECRET_KEY) of the invitation's id and creation time, so
    the email task can rebuild the link from the invitation's id alone (no link in the task
    queue). Only a SHA-256 of it is stored: a copy of the database cannot make a link."""
    from datetime import UTC

    from django.utils.crypto import salted_hmac

    made = invitation.created_at.astimezone(UTC).isoformat()
    return salted_hmac(f"{INVITATION_SALT}.secret", f"{invitation.pk}:{made}", algorithm="sha256").hexdigest()


def invitation_link(invitation: Invitation) -> str:
    from django.urls import reverse

    token = invitation_token(invitation=invitation, secret=_invitation_secret(invitation))
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("agencies:invitation-accept", args=[token])


@transaction.atomic
def invitation_send(*, actor: User, agency: Agency, email: str, role: str) -> tuple[Invitation, str]:
    """Create an invitation and email its link (agencies.tasks, on commit). Returns the
    invitation and the link's token (only its secret's hash is stored)."""
    from agencies import permissions, tasks

    if not permissions.can_manage_agency(actor, agency.pk):
        raise PermissionDenied
    email = User.objects.normalize_email(email).strip().lower()
    role_value = _role_from_value(role)
    if not permissions.can_assign_role(actor, role_value.value):
        raise PermissionDenied
    if not agency.is_active:
        raise ValidationError({"email": "This agency is not active, so it cannot invite anyone."})
    if not email_domain_allowed(agency=agency, email=email):
        raise ValidationError({"email": f"Enter an email address at one of {agency.name}'s allowed domains."})
    if User.objects.filter(email=email).exists():
        raise ValidationError({"email": "There is already an account with this email address."})
    now = timezone.now()
    invitation = Invitation.objects.create(
        agency=agency,
        email=email,
        role=role_value.value,
        invited_by=actor,
        secret_hash="",
        created_at=now,
        expires_at=now + timedelta(hours=settings.INVITATION_VALID_HOURS),
    )
    invitation.refresh_from_db(fields=["created_at"])  # as stored: the task derives from it
    secret = _invitation_secret(invitation)
    invitation.secret_hash = _secret_hash(secret)
    invitation.save(update_fields=["secret_hash"])
    tasks.invitation_email_on_commit(invitation.pk)
    audit.record(
        instance=agency,
        action=audit.Action.INVITATION_SENT,
        actor=actor,
        agency_id=agency.pk,
        invitation_id=invitation.pk,
        role=role_value.value,
    )
    return invitation, invitation_token(invitation=invitation, secret=secret)


def invitation_from_token(token: str) -> Invitation | None:
    """The pending invitation a link names, or None if the link is forged, expired, revoked or
    already used. One answer for every failure, so a link reveals nothing."""
    max_age = timedelta(hours=settings.INVITATION_VALID_HOURS)
    try:
        payload = signing.loads(token, salt=INVITATION_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    invitation = Invitation.objects.select_related("agency").filter(pk=payload.get("i")).first()
    if invitation is None or not secrets.compare_digest(
        invitation.secret_hash, _secret_hash(str(payload.get("s", "")))
    ):
        return None
    if invitation.status != "pending" or not invitation.agency.is_active:
        return None
    return invitation


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> None:
    from agencies import permissions

    if not permissions.can_manage_agency(actor, invitation.agency_id):
        raise PermissionDenied
    updated = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now(), revoked_by=actor)
    if not updated:
        raise ValidationError("This invitation has already been accepted or revoked.")
    audit.record(
        instance=invitation.agency,
        action=audit.Action.INVITATION_REVOKED,
        actor=actor,
        agency_id=invitation.agency_id,
        invitation_id=invitation.pk,
    )


@transaction.atomic
def invitation_accept(*, token: str, first_name: str, last_name: str, password: str) -> User:
    """Create the account an invitation names, in its agency and role. Single use: the
    invitation row is locked and re-checked, so two tabs cannot both accept it."""
    invitation = invitation_from_token(token)
    if invitation is None:
        raise ValidationError("This invitation link is not valid. Ask your administrator for a new one.")
    invitation = Invitation.objects.select_for_update().select_related("agency").get(pk=invitation.pk)
    if invitation.status != "pending":
        raise ValidationError("This invitation link is not valid. Ask your administrator for a new one.")
    if not email_domain_allowed(agency=invitation.agency, email=invitation.email):
        raise ValidationError("This invitation is for an email domain the agency no longer allows.")
    if User.objects.filter(email=invitation.email).exists():
        raise ValidationError("There is already an account with this email address.")
    user = User(
        email=invitation.email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        agency=invitation.agency,
    )
    validate_password(password, user)
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=invitation.role))
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now(), accepted_user=user)
    audit.record(
        instance=user,
        action=audit.Action.INVITATION_ACCEPTED,
        actor=user,
        agency_id=invitation.agency_id,
        invitation_id=invitation.pk,
        role=invitation.role,
    )
    return user


@transaction.atomic
def role_grant(*, actor: User, user: User, role: str) -> bool:
    from agencies import permissions

    if not permissions.can_manage_person(actor, user):
        raise PermissionDenied
    role_value = _role_from_value(role)
    if not permissions.can_assign_role(actor, role_value.value):
        raise PermissionDenied
    group = Group.objects.get(name=role_value.value)
    if user.groups.filter(pk=group.pk).exists():
        return False
    user.groups.add(group)
    audit.record(
        instance=user,
        action=audit.Action.ROLE_GRANTED,
        actor=actor,
        agency_id=user.agency_id,
        role=role_value.value,
    )
    # A new role can bring new duties (MFA) and rights: sockets re-check either way.
    events.access_changed(user.pk)
    return True


@transaction.atomic
def role_remove(*, actor: User, user: User, role: str) -> bool:
    from agencies import permissions

    if not permissions.can_manage_person(actor, user):
        raise PermissionDenied
    role_value = _role_from_value(role)
    if not permissions.can_assign_role(actor, role_value.value):
        raise PermissionDenied
    group = Group.objects.get(name=role_value.value)
    if not user.groups.filter(pk=group.pk).exists():
        return False
    user.groups.remove(group)
    audit.record(
        instance=user,
        action=audit.Action.ROLE_REMOVED,
        actor=actor,
        agency_id=user.agency_id,
        role=role_value.value,
    )
    events.access_changed(user.pk)
    return True


@transaction.atomic
def account_deactivate(*, actor: User, user: User) -> None:
    """Switch an account off. Its sessions stop working at their next request (the auth backend
    refuses inactive users) and are deleted; its open sockets close at once."""
    from django.contrib.sessions.models import Session

    from agencies import permissions

    if not permissions.can_manage_person(actor, user):
        raise PermissionDenied
    if not user.is_active:
        return
    User.objects.filter(pk=user.pk).update(is_active=False, access_version=F("access_version") + 1)
    user.is_active = False
    _sessions_delete_for(user=user, session_model=Session)
    audit.record(
        instance=user, action=audit.Action.ACCOUNT_DEACTIVATED, actor=actor, agency_id=user.agency_id
    )
    events.access_changed(user.pk)


@transaction.atomic
def account_reactivate(*, actor: User, user: User) -> None:
    from agencies import permissions

    if not permissions.can_manage_person(actor, user):
        raise PermissionDenied
    if user.is_active:
        return
    User.objects.filter(pk=user.pk).update(is_active=True, access_version=F("access_version") + 1)
    user.is_active = True
    audit.record(
        instance=user, action=audit.Action.ACCOUNT_REACTIVATED, actor=actor, agency_id=user.agency_id
    )


def _sessions_delete_for(*, user: User, session_model: type) -> int:
    """End the sessions that belong to `user`. Sessions are signed blobs, so this decodes the
    unexpired ones; it runs only on deactivation. Each is deleted through the session store, so
    its cached copy goes with its row (agencies.sessions): a queryset delete would leave the
    cached copy signed in."""
    from importlib import import_module

    from django.contrib.auth import SESSION_KEY

    doomed = [
        session.pk
        for session in session_model.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get(SESSION_KEY)) == str(user.pk)
    ]
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    for session_key in doomed:
        store.delete(session_key)
    return len(doomed)
