from django.urls import path

from scrutiny import audit_views, views

app_name = "scrutiny"

urlpatterns = [
    path("", views.panel_list, name="panel-list"),
    path("agreement/", views.agreement, name="agreement"),
    path("agreement/new/", views.agreement_publish, name="agreement-publish"),
    path("panels/new/", views.panel_create, name="panel-create"),
    path("panels/<int:panel_id>/edit/", views.panel_edit, name="panel-edit"),
    path("figures.<str:fmt>", views.aggregate_export, name="aggregate-export"),
    path("audit/", audit_views.audit_log, name="audit-log"),
    path("audit.csv", audit_views.audit_log_export, name="audit-log-export"),
    path("panels/<int:panel_id>/", views.panel_detail, name="panel-detail"),
    path("panels/<int:panel_id>/members/", views.membership_add, name="membership-add"),
    path("members/<int:membership_id>/end/", views.membership_end, name="membership-end"),
    path("panels/<int:panel_id>/meetings/", views.meeting_create, name="meeting-create"),
    path("panels/<int:panel_id>/cases/", views.case_list, name="case-list"),
    path("panels/<int:panel_id>/cases/new/", views.case_create, name="case-create"),
    path("panels/<int:panel_id>/findings.<str:fmt>", views.findings_export, name="findings-export"),
    path("panels/<int:panel_id>/actions.<str:fmt>", views.actions_export, name="actions-export"),
    path("panels/<int:panel_id>/access-log/", views.access_log, name="access-log"),
    path("panels/<int:panel_id>/access-log.<str:fmt>", views.access_log_export, name="access-log-export"),
    path("cases/<int:case_id>/", views.case_detail, name="case-detail"),
    path("cases/<int:case_id>/edit/", views.case_edit, name="case-edit"),
    path("cases/<int:case_id>/declare/", views.case_declare, name="case-declare"),
    path("cases/<int:case_id>/release/", views.case_release, name="case-release"),
    path("cases/<int:case_id>/legal-hold/", views.case_legal_hold, name="case-legal-hold"),
    path("meetings/<int:meeting_id>/legal-hold/", views.meeting_legal_hold, name="meeting-legal-hold"),
    path("legal-holds/", views.legal_hold_list, name="legal-hold-list"),
    path("cases/<int:case_id>/generalise/", views.case_generalise, name="case-generalise"),
    path("cases/<int:case_id>/texts/<str:kind>/new/", views.text_add, name="text-add"),
    path("texts/<str:kind>/<int:text_id>/edit/", views.text_edit, name="text-edit"),
    path("texts/<str:kind>/<int:text_id>/check/", views.text_check, name="text-check"),
    path(
        "meeting-texts/<str:kind>/<int:text_id>/check/", views.meeting_text_check, name="meeting-text-check"
    ),
    path("cases/<int:case_id>/meetings/<int:meeting_id>/review/", views.review_submit, name="review-submit"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:meeting_id>/live/", views.meeting_fragment, name="meeting-fragment"),
    path("meetings/<int:meeting_id>/agenda/", views.agenda_add, name="agenda-add"),
    path("meetings/<int:meeting_id>/start/", views.meeting_start, name="meeting-start"),
    path("meetings/<int:meeting_id>/close/", views.meeting_close, name="meeting-close"),
    path("meetings/<int:meeting_id>/join/", views.meeting_join, name="meeting-join"),
    path("meetings/<int:meeting_id>/findings/new/", views.finding_create, name="finding-create"),
    path("meetings/<int:meeting_id>/acting-chair/", views.acting_chair, name="acting-chair"),
    path("agenda/<int:item_id>/score/", views.agreed_score, name="agreed-score"),
    path("findings/<int:finding_id>/actions/new/", views.action_create, name="action-create"),
    path("findings/<int:finding_id>/promote/", views.finding_promote, name="finding-promote"),
    path("actions/<int:action_id>/update/", views.action_update, name="action-update"),
]
