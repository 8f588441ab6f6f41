"""The overdue sweep: each lapsed action is announced once, to its owner agency's panel members,
and the governance dashboards are told (so overdue actions appear without a reload)."""

from __future__ import annotations

import datetime as dt

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.management import call_command

from agencies.models import Notification, NotificationKind
from agencies.realtime import events
from scrutiny.governance.models import OverdueNotice
from scrutiny.governance.overdue import flag_overdue_actions
from scrutiny.models import ActionStatus
from tests.conftest import layer_receive

pytestmark = pytest.mark.django_db


def test_lapsed_actions_are_announced_once(world, django_capture_on_commit_callbacks) -> None:
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(events.governance_national_group(), channel)
    assert flag_overdue_actions(today=world.action.due_on) == 0  # due today: not overdue yet

    with django_capture_on_commit_callbacks(execute=True):
        call_command("flag_overdue_actions")
    notices = Notification.objects.filter(kind=NotificationKind.ACTION_OVERDUE)
    assert set(notices.values_list("recipient_id", flat=True)) == {world.users["cps_member"].pk}
    assert "zqx" not in " ".join(notices.values_list("title", flat=True))  # no case content
    message = layer_receive(channel)
    assert message["kind"] == "governance.figures_changed"

    with django_capture_on_commit_callbacks(execute=True):
        assert flag_overdue_actions() == 0
    assert notices.count() == 1


def test_a_closed_or_redated_action_can_lapse_again(world, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert flag_overdue_actions() == 1
    action = world.action
    action.due_on = dt.date(2099, 1, 1)
    action.save(update_fields=["due_on"])
    with django_capture_on_commit_callbacks(execute=True):
        assert flag_overdue_actions() == 0
    assert not OverdueNotice.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert flag_overdue_actions(today=dt.date(2099, 1, 2)) == 1
    action.status = ActionStatus.DONE
    action.save(update_fields=["status"])
    with django_capture_on_commit_callbacks(execute=True):
        assert flag_overdue_actions(today=dt.date(2099, 1, 3)) == 0
    assert not OverdueNotice.objects.exists()
