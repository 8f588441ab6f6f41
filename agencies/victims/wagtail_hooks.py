"""Registers the VLO team audit actions with Wagtail's audit log."""

from __future__ import annotations

from typing import Any

from wagtail import hooks
from wagtail.models import ModelLogEntry

from agencies.victims.audit import ACTIONS
from agencies.victims.models import VloTeam


@hooks.register("register_log_actions")
def register_vlo_actions(actions: Any) -> None:
    actions.register_model(VloTeam, ModelLogEntry)
    for action, (label, message) in ACTIONS.items():
        actions.register_action(action.value, label, message)
