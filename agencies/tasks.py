"""Account emails (invitations, password resets), sent through django-tasks and enqueued on commit:
a rolled-back invitation sends nothing, and a slow mail server never holds up the request.

Task arguments are stored by a database task backend, so they carry ids only, never a link: the
task rebuilds the invitation link (services.invitation_link, from SECRET_KEY and the invitation)
and makes the password-reset token itself, in the worker."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

RESET_BODY_TEMPLATE = "agencies/email/password_reset.txt"
RESET_SUBJECT_TEMPLATE = "agencies/email/password_reset_subject.txt"


@task()
def send_invitation_email(invitation_id: int) -> bool:
    """Email an invitation's link, if it is still pending (revoked before the worker got to it:
    nothing is sent)."""
    from agencies import services
    from agencies.models import Invitation
    from agencies.roles import Role

    invitation = Invitation.objects.select_related("agency").filter(pk=invitation_id).first()
    if invitation is None or invitation.status != "pending":
        return False
    body = render_to_string(
        "agencies/email/invitation.txt",
        {
            "agency": invitation.agency,
            "link": services.invitation_link(invitation),
            "hours": settings.INVITATION_VALID_HOURS,
            "role": Role(invitation.role),
        },
    )
    subject = f"You are invited to join {invitation.agency.name} on Scrutiny Hub"
    EmailMessage(subject=subject, body=body, to=[invitation.email]).send()
    return True


@task()
def send_password_reset_email(user_id: int, domain: str, protocol: str) -> bool:
    """Email a password-reset link to an active account; the token is made here, from the
    account's current state, so it is never stored in the task queue."""
    from agencies.models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return False
    context = {
        "email": user.email,
        "domain": domain,
        "site_name": domain,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if protocol == "https" else "http",
    }
    subject = "".join(render_to_string(RESET_SUBJECT_TEMPLATE, context).splitlines())
    body = render_to_string(RESET_BODY_TEMPLATE, context)
    EmailMessage(subject=subject, body=body, to=[user.email]).send()
    return True


def invitation_email_on_commit(invitation_id: int) -> None:
    transaction.on_commit(lambda: send_invitation_email.enqueue(invitation_id))


def password_reset_email_on_commit(user_id: int, domain: str, protocol: str) -> None:
    transaction.on_commit(lambda: send_password_reset_email.enqueue(user_id, domain, protocol))
