"""Permission matrix for the content app's own URLs (Wagtail's page serving and admin are
wagtail*/wagtailadmin* names with their own tests: test_privacy.py, test_workflow.py).

Roles: anonymous, isva, host, coordinator, panel member, governance, editor, admin. Content
objects are not agency-owned; the object scopes that matter are public vs restricted ("private":
a guidance page restricted to the Panel member and Governance member groups, as in
tests/content/privacy.py).
"""

from __future__ import annotations

OK, FOUND, NOT_FOUND = 200, 302, 404

ROLES = ("anonymous", "isva", "host", "coordinator", "panel_member", "governance", "editor", "admin")

# content_identifier_check: test_permission_matrix.test_publication_check_override_page_matrix.
COVERED_URL_NAMES: set[str] = {"content:search", "content:image", "content_identifier_check"}


def expect(default: int, **per_role: int) -> dict[str, int]:
    assert not set(per_role) - set(ROLES)
    return {role: per_role.get(role, default) for role in ROLES}


# (url name, scope, expected status per role). Scopes: "public" (an image on a public page),
# "private" (an image on the restricted page), "collection" (an image in the partner-only
# collection, used on the restricted page), "none" (no object).
MATRIX: tuple[tuple[str, str, dict[str, int]], ...] = (
    ("content:search", "none", expect(OK)),
    ("content:image", "public", expect(OK)),
    # Inside the restriction, or editing pages in the CMS (editors and governance preview drafts).
    ("content:image", "private", expect(NOT_FOUND, panel_member=OK, governance=OK, editor=OK)),
    (
        "content:image",
        "collection",
        expect(NOT_FOUND, anonymous=FOUND, panel_member=OK, governance=OK, editor=OK),
    ),
    ("content:image", "bad-width", expect(NOT_FOUND)),
)
