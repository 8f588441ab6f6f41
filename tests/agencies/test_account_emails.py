"""Account emails go through django-tasks, enqueued on commit (agencies.tasks): sent once the
transaction commits, never on rollback; task arguments hold ids only (a database task backend
stores them), and the emails carry no secret but the link itself."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client

from agencies import services, tasks
from agencies.models import Agency, Invitation, User

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def _address(agency: Agency, local: str = "newcomer") -> str:
    return f"{local}@{agency.allowed_email_domains[0]}"


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[Any, ...]]]:
    """Every enqueue of the account email tasks, with its arguments (then run as usual)."""
    calls: list[tuple[str, tuple[Any, ...]]] = []
    for name in ("send_invitation_email", "send_password_reset_email"):
        original = getattr(tasks, name)

        class Recording:
            def __init__(self, wrapped: Any, label: str) -> None:
                self.wrapped, self.label = wrapped, label

            def enqueue(self, *args: Any) -> Any:
                calls.append((self.label, args))
                return self.wrapped.enqueue(*args)

        monkeypatch.setattr(tasks, name, Recording(original, name))
    return calls


def test_invitation_email_is_sent_after_commit_through_the_task(
    platform_admin: User, isva_agency: Agency, enqueued, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation, token = services.invitation_send(
            actor=platform_admin, agency=isva_agency, email=_address(isva_agency), role="ISVA"
        )
    assert mail.outbox == [] and enqueued == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert enqueued == [("send_invitation_email", (invitation.pk,))]  # an id, never the link
    (message,) = mail.outbox
    assert message.to == [invitation.email]
    links = re.findall(r"https?://\S+", message.body)
    assert len(links) == 1
    emailed = re.fullmatch(r"https?://[^/]+/account/invitation/([^/]+)/", links[0])
    assert emailed is not None
    # The emailed link (rebuilt by the task) and the returned token both work; nothing else
    # secret rides along.
    assert services.invitation_from_token(emailed.group(1)) == invitation
    assert services.invitation_from_token(token) == invitation
    invitation.refresh_from_db()
    body_without_link = message.body.replace(links[0], "")
    for secret in (invitation.secret_hash, token.split(":")[0], platform_admin.email):
        assert secret not in body_without_link


def test_rolled_back_invitation_sends_nothing(
    platform_admin: User, isva_agency: Agency, enqueued, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                services.invitation_send(
                    actor=platform_admin, agency=isva_agency, email=_address(isva_agency), role="ISVA"
                )
                raise Boom
        except Boom:
            pass
    assert callbacks == [] and enqueued == [] and mail.outbox == []
    assert not Invitation.objects.exists()


def test_invitation_revoked_before_the_worker_runs_is_not_sent(
    platform_admin: User, isva_agency: Agency, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation, _token = services.invitation_send(
            actor=platform_admin, agency=isva_agency, email=_address(isva_agency), role="ISVA"
        )
    services.invitation_revoke(actor=platform_admin, invitation=invitation)
    for callback in callbacks:
        callback()
    assert mail.outbox == []


def test_password_reset_email_goes_through_the_task_with_the_id_only(
    client: Client, isva: User, enqueued, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/account/password-reset/", {"email": isva.email})
    assert response.status_code == 302
    assert enqueued == [("send_password_reset_email", (isva.pk, "testserver", "http"))]
    (message,) = mail.outbox
    assert message.to == [isva.email]
    assert re.search(r"http://testserver/account/password-reset/\S+/\S+/", message.body)


def test_password_reset_task_refuses_inactive_accounts(isva: User) -> None:
    isva.is_active = False
    isva.save()
    assert tasks.send_password_reset_email.call(isva.pk, "testserver", "https") is False
    assert mail.outbox == []
