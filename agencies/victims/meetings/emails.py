"""Emails to the requester on each change of their pre-trial meeting request, sent through
django-tasks after the change commits. They carry the request's own reference, the area, the state
and the confirmed time: never the URN, the needs or any free text (email leaves the platform)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from agencies.victims.meetings.models import MeetingRequest


class EmailKind:
    RECEIVED = "received"
    CONFIRMED = "confirmed"
    PROPOSED = "proposed"
    NOT_NEEDED = "not_needed"
    OUTCOME = "outcome"


SUBJECTS = {
    EmailKind.RECEIVED: "Your pre-trial meeting request has been sent to the VLO team",
    EmailKind.CONFIRMED: "A pre-trial meeting time is confirmed",
    EmailKind.PROPOSED: "The VLO team has proposed another time for a pre-trial meeting",
    EmailKind.NOT_NEEDED: "The VLO team has recorded that a pre-trial meeting is not needed",
    EmailKind.OUTCOME: "The outcome of a pre-trial meeting has been recorded",
}


def render_meeting_email(request: MeetingRequest, kind: str) -> EmailMessage:
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    slot = request.confirmed_slot
    proposed = request.slots.filter(source="vlo").order_by("-created_at", "-pk").first()
    body = render_to_string(
        "victims/meetings/email.txt",
        {
            "kind": kind,
            "request": request,
            "confirmed_at": timezone.localtime(slot.starts_at) if slot is not None else None,
            "proposed_at": timezone.localtime(proposed.starts_at) if proposed is not None else None,
            "url": f"{base}{reverse('pretrial:detail', args=[request.pk])}",
        },
    )
    return EmailMessage(subject=SUBJECTS[kind], body=body, to=[request.requester.email])


@task()
def send_meeting_email(request_id: int, kind: str) -> bool:
    request = (
        MeetingRequest.objects.select_related("requester", "area", "confirmed_slot")
        .filter(pk=request_id)
        .first()
    )
    if request is None or kind not in SUBJECTS or not request.requester.is_active:
        return False
    render_meeting_email(request, kind).send()
    return True


def email_on_commit(request_id: int, kind: str) -> None:
    transaction.on_commit(lambda: send_meeting_email.enqueue(request_id, kind))
