"""Every write for governance: keyword-only, typed, atomic, permission re-checked."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from agencies.models import Area, Notification, User
from agencies.realtime import events
from scrutiny.governance import permissions
from scrutiny.governance.models import DigestFrequency, DigestPreference, ExportFormat, ExportJob
from scrutiny.governance.tasks import build_export


@transaction.atomic
def export_job_request(*, actor: User, area: Area | None, export_format: str) -> ExportJob:
    """Queue an aggregate export of a dashboard the actor may see; the task runs after commit."""
    if export_format not in ExportFormat.values:
        raise ValueError(f"Unknown export format: {export_format!r}")
    allowed = (
        permissions.can_view_national(actor) if area is None else permissions.can_view_area(actor, area.pk)
    )
    if not allowed:
        raise PermissionDenied
    job = ExportJob.objects.create(requested_by=actor, area=area, format=export_format)
    transaction.on_commit(lambda: build_export.enqueue(job.pk))
    return job


@transaction.atomic
def digest_preference_set(*, actor: User, frequency: str) -> DigestPreference:
    if frequency not in DigestFrequency.values:
        raise ValueError(f"Unknown digest frequency: {frequency!r}")
    preference, _ = DigestPreference.objects.select_for_update().get_or_create(user=actor)
    preference.frequency = frequency
    preference.save(update_fields=["frequency"])
    return preference


def _due(preference: DigestPreference, now: datetime) -> bool:
    if preference.frequency == DigestFrequency.DAILY:
        period = timedelta(days=1)
    elif preference.frequency == DigestFrequency.WEEKLY:
        if timezone.localtime(now).weekday() != 0:
            return False
        period = timedelta(days=7)
    else:
        return False
    # A little slack so a job scheduled at the same time each day never skips a day.
    return preference.last_sent_at is None or now - preference.last_sent_at >= period - timedelta(hours=1)


def notification_digests_send(*, now: datetime | None = None) -> int:
    """Email each opted-in person a digest of notifications they have not read since their last
    digest (titles only: titles never carry case content). Returns how many emails were sent."""
    now = now or timezone.now()
    sent = 0
    preferences = DigestPreference.objects.exclude(frequency=DigestFrequency.NEVER).select_related("user")
    for preference in preferences.filter(user__is_active=True):
        if not _due(preference, now):
            continue
        with transaction.atomic():
            locked = DigestPreference.objects.select_for_update().get(pk=preference.pk)
            if not _due(locked, now):
                continue
            unread = Notification.objects.filter(recipient_id=locked.user_id, read_at__isnull=True)
            if locked.last_sent_at is not None:
                unread = unread.filter(created_at__gt=locked.last_sent_at)
            titles = list(unread.order_by("-created_at", "-pk").values_list("title", flat=True)[:50])
            locked.last_sent_at = now
            locked.save(update_fields=["last_sent_at"])
            if not titles:
                continue
            link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("agencies:notifications")
            plural = "s" if len(titles) != 1 else ""
            body = "\n".join(
                [
                    f"You have {len(titles)} unread notification{plural} on Scrutiny Hub:",
                    "",
                    *[f"- {title}" for title in titles],
                    "",
                    f"Read them at {link}",
                    "",
                    "You can change how often you get these emails from your notifications page.",
                ]
            )
            user = preference.user
            transaction.on_commit(
                lambda user=user, body=body: send_mail(
                    "Your Scrutiny Hub notifications", body, None, [user.email], fail_silently=False
                )
            )
            sent += 1
    return sent


def governance_figures_changed(*, area_id: int | None) -> None:
    """Tell the area's and the national dashboard that figures changed (used by the overdue sweep;
    the scrutiny and drop-in services publish their own events to the same groups)."""
    if area_id is not None:
        events.publish(
            events.governance_area_group(area_id), events.GovernanceFiguresChanged(area_id=area_id)
        )
    events.publish(events.governance_national_group(), events.GovernanceFiguresChanged(area_id=area_id))
