"""Governance and access-change event builders in agencies.realtime.events."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from agencies.realtime import events
from tests.conftest import layer_receive

pytestmark = pytest.mark.django_db


def test_access_changed_publishes_to_the_users_group_on_commit(
    isva, django_capture_on_commit_callbacks
) -> None:
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(events.user_group(isva.pk), channel)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        events.access_changed(isva.pk)
    assert len(callbacks) == 1
    callbacks[0]()
    message = layer_receive(channel)
    assert message["kind"] == "access.changed"
    assert message["group"] == f"user.{isva.pk}"
    assert message["data"] == {"user_id": isva.pk}


def test_governance_group_builders() -> None:
    assert events.governance_area_group(7) == "governance.area.7"
    assert events.governance_national_group() == "governance.national"
    with pytest.raises(ValueError):
        events.governance_area_group("7; DROP")  # type: ignore[arg-type]
