"""Scrutiny pages. Each view parses input, calls one selector or service, and renders presenter
output (already redacted for the viewer's audience). Objects the viewer cannot reach are 404s;
actions they may not take are 403s. Every page view of panel data writes an AccessEvent."""

from scrutiny.views.cases import (
    case_create,
    case_declare,
    case_detail,
    case_edit,
    case_generalise,
    case_list,
    case_release,
)
from scrutiny.views.common import (
    GET_POST,
    HELD_MESSAGE,
)
from scrutiny.views.exports import (
    ACCESS_COLUMNS,
    ACTION_COLUMNS,
    AGGREGATE_COLUMNS,
    FINDING_COLUMNS,
    access_log,
    access_log_export,
    actions_export,
    aggregate_export,
    findings_export,
)
from scrutiny.views.index import (
    agreement,
    agreement_publish,
    panel_list,
)
from scrutiny.views.legal_hold import (
    case_legal_hold,
    legal_hold_list,
    meeting_legal_hold,
)
from scrutiny.views.meetings import (
    acting_chair,
    action_create,
    action_update,
    agenda_add,
    agreed_score,
    finding_create,
    finding_promote,
    meeting_close,
    meeting_context,
    meeting_detail,
    meeting_fragment,
    meeting_join,
    meeting_start,
)
from scrutiny.views.panels import (
    meeting_create,
    membership_add,
    membership_end,
    panel_create,
    panel_detail,
    panel_edit,
)
from scrutiny.views.reviews import (
    review_submit,
)
from scrutiny.views.texts import (
    TEXT_FORMS,
    meeting_text_check,
    text_add,
    text_check,
    text_edit,
)

__all__ = [
    "ACCESS_COLUMNS",
    "ACTION_COLUMNS",
    "AGGREGATE_COLUMNS",
    "FINDING_COLUMNS",
    "GET_POST",
    "HELD_MESSAGE",
    "TEXT_FORMS",
    "access_log",
    "access_log_export",
    "acting_chair",
    "action_create",
    "action_update",
    "actions_export",
    "agenda_add",
    "aggregate_export",
    "agreed_score",
    "agreement",
    "agreement_publish",
    "case_create",
    "case_declare",
    "case_detail",
    "case_edit",
    "case_generalise",
    "case_legal_hold",
    "case_list",
    "case_release",
    "finding_create",
    "finding_promote",
    "findings_export",
    "legal_hold_list",
    "meeting_close",
    "meeting_context",
    "meeting_create",
    "meeting_detail",
    "meeting_fragment",
    "meeting_join",
    "meeting_legal_hold",
    "meeting_start",
    "meeting_text_check",
    "membership_add",
    "membership_end",
    "panel_create",
    "panel_detail",
    "panel_edit",
    "panel_list",
    "review_submit",
    "text_add",
    "text_check",
    "text_edit",
]
