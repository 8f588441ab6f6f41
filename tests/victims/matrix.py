"""The VLO directory URLs covered by tests/victims/test_permission_matrix.py (each tested per role:
anonymous, ISVA, ISVA of another area, drop-in host, coordinator, panel member, governance member,
content editor, platform admin, evaluator, VLO, Area lead of the team's area, Area lead of another
area)."""

COVERED_URL_NAMES: set[str] = {
    "victims:directory",
    "victims:team-detail",
    "victims:team-edit",
    "victims:team-confirm",
    # Pre-trial meetings: tests/victims/test_meetings_views.py, with the roles above and the
    # requester's ISVA colleague, their agency's administrator, a police officer and another
    # area's VLO.
    "pretrial:list",
    "pretrial:new",
    "pretrial:detail",
    "pretrial:confirm",
    "pretrial:propose",
    "pretrial:not-needed",
    "pretrial:outcome",
    "pretrial:accept",
    # and their JSON endpoints (tests/victims/test_meetings_api.py)
    "api-v1:pretrial_requests",
    "api-v1:pretrial_request_create",
    "api-v1:pretrial_request",
    "api-v1:pretrial_confirm",
    "api-v1:pretrial_propose",
    "api-v1:pretrial_not_needed",
    "api-v1:pretrial_outcome",
    "api-v1:pretrial_accept",
}
