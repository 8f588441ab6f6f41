"""The VLO directory URLs covered by tests/victims/test_permission_matrix.py (each tested per role:
anonymous, ISVA, ISVA of another area, drop-in host, coordinator, panel member, governance member,
content editor, platform admin, evaluator, VLO, Area lead of the team's area, Area lead of another
area)."""

COVERED_URL_NAMES: set[str] = {
    "victims:directory",
    "victims:team-detail",
    "victims:team-edit",
    "victims:team-confirm",
}
