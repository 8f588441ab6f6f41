"""schemathesis against the project's own OpenAPI schema, on a live daphne server, signed in as
each role: no 5xx, and every documented response matches its schema. Fixed seed, bounded
examples per operation, so the run is reproducible and bounded in CI."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
import schemathesis
from django.conf import settings
from hypothesis import HealthCheck
from hypothesis import seed as hypothesis_seed
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from agencies.models import AgencyKind
from agencies.roles import ROLE_TABLE, Role
from agencies.services import roles_sync
from config.api import api
from content.services import site_root_ensure
from tests.factories import AgencyFactory, AreaFactory, UserFactory
from tests.live import LiveServer, session_cookie_for

pytestmark = [pytest.mark.e2e, pytest.mark.fuzz]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())

# Anonymous plus every role in the role table (a role added there is fuzzed without editing this
# file), each in the kind of agency it normally belongs to; each sees only what its role may see.
ROLE_AGENCY_KIND = {
    Role.ISVA: AgencyKind.ISVA_SERVICE,
    Role.PANEL_MEMBER: AgencyKind.POLICE_FORCE,
    Role.POLICE_OFFICER: AgencyKind.POLICE_FORCE,
    Role.GOVERNANCE_MEMBER: AgencyKind.NATIONAL,
    Role.CONTENT_EDITOR: AgencyKind.NATIONAL,
    Role.PLATFORM_ADMIN: AgencyKind.PLATFORM_OPERATOR,
    Role.EVALUATOR: AgencyKind.NATIONAL,
}
FUZZ_ROLES: dict[str, tuple[Role, AgencyKind] | None] = {
    "anonymous": None,
    **{role.name.lower(): (role, ROLE_AGENCY_KIND.get(role, AgencyKind.CPS_AREA)) for role in ROLE_TABLE},
}
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture(scope="module")
def fuzz_cookies(daphne_server: LiveServer, django_db_blocker) -> Iterator[dict[str, str | None]]:
    """One committed user per role for the whole module (creating them per example would dwarf
    the fuzzing itself); the database is flushed again afterwards like a transactional test."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        site_root_ensure()
        roles_sync()
        area = AreaFactory(name="CPS Fuzz Area", code="fuzz-area")
        cookies: dict[str, str | None] = {}
        for name, spec in FUZZ_ROLES.items():
            if spec is None:
                cookies[name] = None
                continue
            role, kind = spec
            agency = AgencyFactory(name=f"Fuzz {name}", kind=kind, area=area)
            user = UserFactory(
                email=f"{name.replace('_', '-')}@fuzz.example.org", agency=agency, roles=[role]
            )
            cookies[name] = session_cookie_for(user)
    yield cookies
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(params=list(FUZZ_ROLES))
def api_session(
    request: pytest.FixtureRequest, daphne_server: LiveServer, fuzz_cookies: dict[str, str | None]
) -> Iterator[requests.Session]:
    session = requests.Session()
    cookie = fuzz_cookies[request.param]
    if cookie is not None:
        session.cookies.set(settings.SESSION_COOKIE_NAME, cookie)
        # A CSRF token for writes, as the site's own pages would provide.
        page = session.get(f"{daphne_server.url}/account/notifications/", timeout=10)
        assert page.status_code == 200, f"{request.param} could not reach a signed-in page"
        token = session.cookies.get(settings.CSRF_COOKIE_NAME)
        session.headers["X-CSRFToken"] = token or ""
    session.headers["Referer"] = daphne_server.url + "/"
    yield session
    session.close()


def test_every_role_in_the_role_table_is_fuzzed() -> None:
    fuzzed = {spec[0] for spec in FUZZ_ROLES.values() if spec is not None}
    assert fuzzed == set(ROLE_TABLE)
    assert "anonymous" in FUZZ_ROLES


@pytest.mark.django_db(transaction=True)
def test_every_api_router_is_in_the_fuzzed_schema() -> None:
    # Also makes pytest-django set up the test database when this module runs on its own.
    paths = set(schema.raw_schema["paths"])
    for prefix in (
        "/api/v1/account/",
        "/api/v1/dropins/",
        "/api/v1/scrutiny/",
        "/api/v1/pre-trial-meetings/",
    ):
        assert any(path.startswith(prefix) for path in paths), prefix


@schema.parametrize()
@hypothesis_seed(20261129)
@hypothesis_settings(
    # 8 per operation and role: 10 roles (anonymous + ROLE_TABLE) x 8 = 80 examples per operation,
    # about the 84 the pass had with 7 roles x 12 (10 x 12 measured 973 s on a loaded 2-core machine).
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_never_errors_and_matches_its_schema(case, api_session, daphne_server) -> None:
    case.call_and_validate(base_url=daphne_server.url, session=api_session, checks=CHECKS, timeout=20)
