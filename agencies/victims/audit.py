"""The VLO directory's audit actions, written through agencies.audit (Wagtail's audit log, shown
in the admin's site history; registered in wagtail_hooks.py). Entries hold ids only."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    VLO_TEAM_CREATED = "victims.vlo_team_created"
    VLO_TEAM_UPDATED = "victims.vlo_team_updated"
    VLO_TEAM_CONFIRMED = "victims.vlo_team_confirmed"
    VLO_TEAM_REMINDED = "victims.vlo_team_reminded"


ACTIONS: dict[Action, tuple[str, str]] = {
    Action.VLO_TEAM_CREATED: ("VLO team: published", "VLO team details published"),
    Action.VLO_TEAM_UPDATED: ("VLO team: changed", "VLO team details changed"),
    Action.VLO_TEAM_CONFIRMED: ("VLO team: confirmed", "VLO team details confirmed as current"),
    Action.VLO_TEAM_REMINDED: ("VLO team: reminder", "Area leads reminded to confirm VLO team details"),
}
