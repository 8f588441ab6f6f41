"""Every status an API operation answers is in its OpenAPI schema, found from behaviour: each
operation is called signed out, as every role in the role table, with an id nothing has, with
input the schema refuses, with an oversized, a form and a non-JSON body, and without the CSRF
token. Whatever it answers must be a documented status (with an ErrorOut body for a 4xx), and
the probes must have produced the statuses every operation can give (401 signed out; 404 for an
unknown id; 422 for refused input; 403 without the CSRF token on a write)."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from agencies.api import ErrorOut
from agencies.models import AgencyKind
from agencies.roles import ROLE_TABLE, Role
from config.api import api
from tests.conftest import signed_in_client
from tests.factories import AgencyFactory, UserFactory
from tests.factories.dropins import BookingFactory, DropInScheduleFactory, DropInSessionFactory
from tests.factories.scrutiny import (
    AgendaItemFactory,
    AgreementFactory,
    CaseFactory,
    MeetingFactory,
    MembershipFactory,
    PanelFactory,
)
from tests.victims.meetings_helpers import make_request

pytestmark = pytest.mark.django_db

SCHEMA = api.get_openapi_schema()
OPERATIONS = [
    (method.upper(), path, operation)
    for path, methods in SCHEMA["paths"].items()
    for method, operation in methods.items()
]
# Operations that answer without a signed-in session (none today): the only ones allowed to leave
# 401 out.
PUBLIC: set[str] = set()
UNKNOWN_ID = 987_654_321
MULTIPART = b'--BoUnDaRy\r\nContent-Disposition: form-data; name="field"\r\n\r\nvalue\r\n--BoUnDaRy--\r\n'
ROLE_AGENCY_KIND = {
    Role.ISVA: AgencyKind.ISVA_SERVICE,
    Role.PANEL_MEMBER: AgencyKind.POLICE_FORCE,
    Role.GOVERNANCE_MEMBER: AgencyKind.NATIONAL,
    Role.CONTENT_EDITOR: AgencyKind.NATIONAL,
    Role.PLATFORM_ADMIN: AgencyKind.PLATFORM_OPERATOR,
    Role.EVALUATOR: AgencyKind.NATIONAL,
    Role.POLICE_OFFICER: AgencyKind.POLICE_FORCE,
}


def _documented(operation: dict[str, Any]) -> set[int]:
    return {int(status) for status in operation["responses"]}


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMA["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _resolve(schema["allOf"][0])
    return schema


def _example(schema: dict[str, Any]) -> Any:
    """A small value the schema accepts (the first enum member, the shortest string allowed)."""
    schema = _resolve(schema)
    if "enum" in schema:
        return schema["enum"][0]
    if "anyOf" in schema:
        return _example(schema["anyOf"][0])
    kind = schema.get("type")
    if kind == "object":
        return {name: _example(prop) for name, prop in schema.get("properties", {}).items()}
    if kind == "array":
        return []
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return False
    if kind == "string":
        return "a" * max(1, schema.get("minLength", 1))
    return None


def _body_schema(operation: dict[str, Any]) -> dict[str, Any] | None:
    content = operation.get("requestBody", {}).get("content", {})
    return content["application/json"]["schema"] if "application/json" in content else None


def _wrong(schema: dict[str, Any]) -> Any:
    """A value of the wrong type for the schema."""
    return "not-a-number" if _resolve(schema).get("type") in {"integer", "number"} else {"x": [1]}


class Caller:
    def __init__(self, name: str, client: Client) -> None:
        self.name = name
        self.client = client

    def call(
        self,
        method: str,
        path: str,
        *,
        data: Any = None,
        content_type: str = "application/json",
        **extra: Any,
    ) -> Any:
        send = getattr(self.client, method.lower())
        if data is None:
            return send(path, **extra)
        if method == "GET":
            return send(path, data, **extra)
        return send(path, data, content_type=content_type, **extra)


@pytest.fixture
def world(roles, area, cps_agency, isva_agency) -> dict[str, Any]:
    """One of each record the API reads, in the signed-in roles' area, and one user per role."""
    users = {}
    for role in ROLE_TABLE:
        kind = ROLE_AGENCY_KIND.get(role, AgencyKind.CPS_AREA)
        agency = {AgencyKind.CPS_AREA: cps_agency, AgencyKind.ISVA_SERVICE: isva_agency}.get(kind) or (
            AgencyFactory(name=f"Statuses {role.name}", kind=kind, area=area)
        )
        users[role] = UserFactory(
            email=f"{role.name.lower()}@statuses.example.org", agency=agency, roles=[role]
        )
    AgreementFactory()
    panel = PanelFactory(area=area)
    membership = MembershipFactory(panel=panel, user=users[Role.PANEL_MEMBER])
    case = CaseFactory(panel=panel)
    meeting = MeetingFactory(panel=panel)
    AgendaItemFactory(meeting=meeting, case=case)
    schedule = DropInScheduleFactory(host_agency=cps_agency, allowed_areas=[area])
    session = DropInSessionFactory(schedule=schedule, confirmed_count=1)  # the booking's seat
    booking = BookingFactory(session=session, isva=users[Role.ISVA])
    ids = {
        "panel_id": panel.pk,
        "membership_id": membership.pk,
        "case_id": case.pk,
        "meeting_id": meeting.pk,
        "session_id": DropInSessionFactory(schedule=schedule).pk,
        "booking_id": booking.pk,
        # A pre-trial meeting request by the ISVA to the area's VLO team.
        "request_id": make_request(users[Role.ISVA], area).pk,
    }
    return {"users": users, "ids": ids}


def _url(path: str, ids: dict[str, int], unknown: bool = False) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(UNKNOWN_ID if unknown else ids[m.group(1)]), path)


def test_every_status_an_operation_answers_is_documented(world) -> None:
    ids = world["ids"]
    callers = [Caller("anonymous", Client())] + [
        Caller(role.name.lower(), signed_in_client(user)) for role, user in world["users"].items()
    ]
    signed_in = callers[1:]
    observed: dict[tuple[str, str], set[int]] = defaultdict(set)
    undocumented: list[str] = []

    def check(method: str, path: str, operation: dict, caller: Caller, probe: str, response: Any) -> None:
        status = response.status_code
        observed[(method, path)].add(status)
        where = f"{method} {path} as {caller.name}, {probe}: {status}"
        if status >= 500 or status not in _documented(operation):
            undocumented.append(f"{where} {response.content[:200]!r}")
        elif 400 <= status < 500:
            body = response.json()
            ErrorOut.model_validate(body)
            assert isinstance(body["detail"], str), where

    for method, path, operation in OPERATIONS:
        body_schema = _body_schema(operation)
        body = _example(body_schema) if body_schema else None
        params = [p for p in operation.get("parameters", []) if p["in"] == "query"]
        probes: list[tuple[Caller, str, str, dict[str, Any]]] = []
        for caller in callers:
            probes.append((caller, "well-formed", _url(path, ids), {"data": body}))
            if "{" in path:
                probes.append((caller, "unknown id", _url(path, ids, unknown=True), {"data": body}))
        first = signed_in[0]
        everyone = {c.name: c for c in signed_in}
        for caller in signed_in:
            for param in params:
                bad = {param["name"]: _wrong(param["schema"])}
                probes.append((caller, f"bad query {param['name']}", _url(path, ids), {"data": bad}))
            if body_schema is not None:
                wrong = {name: _wrong(prop) for name, prop in _resolve(body_schema)["properties"].items()}
                probes.append((caller, "wrong-typed body", _url(path, ids), {"data": wrong}))
        if "{" in path:
            probes.append((first, "id beyond 64 bits", re.sub(r"\{\w+\}", str(2**70), path), {"data": body}))
        if method != "GET":
            too_big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
            for caller in everyone.values():
                probes.append(
                    (caller, "oversized body", _url(path, ids), {"data": json.dumps({"x": too_big})})
                )
                probes.append(
                    (
                        caller,
                        "multipart body",
                        _url(path, ids),
                        {
                            "data": {"field": "value"},
                            "content_type": "multipart/form-data; boundary=BoUnDaRy",
                        },
                    )
                )
                probes.append((caller, "not JSON", _url(path, ids), {"data": "{not json"}))
        for caller, probe, url, kwargs in probes:
            if kwargs.get("content_type", "").startswith("multipart"):
                response = caller.client.generic(
                    method,
                    url,
                    MULTIPART,
                    content_type=kwargs["content_type"],
                )
            else:
                response = caller.call(method, url, **kwargs)
            check(method, path, operation, caller, probe, response)
        if method != "GET":  # the same writes without the CSRF token a browser would send
            for role, user in world["users"].items():
                strict = Client(enforce_csrf_checks=True)
                strict.force_login(user)
                caller = Caller(f"{role.name.lower()} without CSRF token", strict)
                check(method, path, operation, caller, "no CSRF token", caller.call(method, _url(path, ids)))
                strict.get("/account/notifications/")  # a page sets the CSRF cookie, as in a browser
                token = strict.cookies["csrftoken"].value if "csrftoken" in strict.cookies else ""
                response = strict.generic(
                    method,
                    _url(path, ids),
                    MULTIPART,
                    content_type="multipart/form-data; boundary=BoUnDaRy",
                    headers={"X-CSRFToken": token},
                )
                check(method, path, operation, caller, "multipart body with the CSRF token", response)

    assert not undocumented, "answered but not in the schema:\n" + "\n".join(undocumented)
    # The probes did reach what every operation can answer, so the check above was not vacuous.
    for method, path, operation in OPERATIONS:
        seen = observed[(method, path)]
        if operation["operationId"] not in PUBLIC:
            assert 401 in seen, (method, path, seen)
        if "{" in path:
            assert 404 in seen or 403 in seen, (method, path, seen)
        if any(p["in"] == "query" for p in operation.get("parameters", [])) or _body_schema(operation):
            assert 422 in seen, (method, path, seen)
        if method != "GET":
            assert 403 in seen, (method, path, seen)
        if _body_schema(operation):
            assert 413 in seen and (415 in seen or method != "POST"), (method, path, seen)


def test_every_operation_documents_401_unless_public() -> None:
    for method, path, operation in OPERATIONS:
        if operation["operationId"] in PUBLIC:
            continue
        assert operation.get("security"), (method, path)
        assert 401 in _documented(operation), (method, path)


def test_every_documented_error_is_an_error_out() -> None:
    for method, path, operation in OPERATIONS:
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                schema = _resolve(response["content"]["application/json"]["schema"])
                assert schema.get("title") == "ErrorOut", (method, path, status, schema)


def test_a_refused_input_is_a_422_in_the_error_out_shape(isva) -> None:
    response = signed_in_client(isva).get("/api/v1/dropins/sessions?limit=not-a-number&area_id=0")
    assert response.status_code == 422
    body = response.json()
    assert isinstance(body["detail"], str) and "limit" in body["detail"]
    assert set(body["errors"]) == {"query.limit", "query.area_id"}
    assert body["code"] == "invalid"
    assert "not-a-number" not in response.content.decode()
