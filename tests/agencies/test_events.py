import dataclasses
import json

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from agencies.models import EventSequence, Notification
from agencies.realtime import events
from agencies.services import notification_mark_all_read, notification_send
from tests.conftest import layer_receive

pytestmark = pytest.mark.django_db


def _listen(group: str) -> str:
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group, channel)
    return channel


def _receive(channel: str) -> dict:
    return layer_receive(channel)


def test_group_names_are_validated() -> None:
    assert events.user_group(42) == "user.42"
    with pytest.raises(ValueError):
        events.checked("user:42")
    with pytest.raises(ValueError):
        events.checked("x" * 100)


def test_events_carry_only_ids_and_counts() -> None:
    with pytest.raises(TypeError):
        events.NotificationCreated(notification_id="Victim name")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        events.NotificationCreated(notification_id=1, title="x")  # type: ignore[call-arg]
    assert dataclasses.asdict(events.NotificationCreated(notification_id=3)) == {"notification_id": 3}


def test_service_publishes_after_commit_with_a_sequence_number(
    isva,
    django_capture_on_commit_callbacks,
) -> None:
    group = events.user_group(isva.pk)
    channel = _listen(group)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = notification_send(recipient=isva, title="Your booking is confirmed")
    # Nothing is sent until the transaction commits. Two callbacks: the event, and the renewal of
    # the recipient's cached unread count (agencies.selectors), which runs first.
    assert len(callbacks) == 2
    for callback in callbacks:
        callback()
    message = _receive(channel)
    assert message == {
        "type": "realtime.event",
        "group": group,
        "kind": "notification.created",
        "seq": 1,
        "data": {"notification_id": notification.pk},
    }
    # The payload survives a JSON round trip (as it must through Redis) and carries no text.
    assert json.loads(json.dumps(message)) == message
    assert "booking" not in json.dumps(message)


def test_sequence_numbers_increase_per_group(
    isva, other_agency_isva, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipient=isva, title="one")
        notification_send(recipient=isva, title="two")
        notification_send(recipient=other_agency_isva, title="three")
    assert events.current_sequence(events.user_group(isva.pk)) == 2
    assert events.current_sequence(events.user_group(other_agency_isva.pk)) == 1


def test_rolled_back_write_publishes_nothing(isva, django_capture_on_commit_callbacks) -> None:
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notification_send(recipient=isva, title="never")
        raise RuntimeError("boom")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert not EventSequence.objects.filter(value__gt=0).exists()


def test_a_channel_layer_outage_does_not_break_the_write(isva, monkeypatch, caplog) -> None:
    class DownLayer:
        async def group_send(self, group: str, message: dict) -> None:
            raise ConnectionError("redis is down")

    monkeypatch.setattr(events, "get_channel_layer", lambda: DownLayer())
    events._send("user.1", {"type": "realtime.event"})
    assert "Realtime publish to user.1 failed: ConnectionError" in caplog.text


def test_mark_all_read_publishes_the_new_count(isva, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipient=isva, title="one")
        notification_send(recipient=isva, title="two")
    channel = _listen(events.user_group(isva.pk))
    with django_capture_on_commit_callbacks(execute=True):
        assert notification_mark_all_read(actor=isva) == 2
        assert notification_mark_all_read(actor=isva) == 0
    message = _receive(channel)
    assert message["kind"] == "notifications.read"
    assert message["data"] == {"count": 2}
    assert message["seq"] == 3


def test_notification_send_rejects_unknown_kinds(isva) -> None:
    with pytest.raises(ValueError):
        notification_send(recipient=isva, title="x", kind="made-up")
    assert not Notification.objects.exists()
