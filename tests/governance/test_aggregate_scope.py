"""The area scope of aggregate figures, route by route and role by role (issue 13, point 5): an area
governance member or a coordinator gets, on the API and the figures file, exactly what a dashboard
would show them (their own area), whatever area id they put in the query; a national governance
member and an evaluator get the nation and every area; nobody else gets any figure."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from agencies.models import Area
from scrutiny.governance.figures import NATIONAL_LABEL
from tests.conftest import signed_in_client
from tests.factories.scrutiny import AgendaItemFactory, CaseFactory, MeetingFactory, PanelFactory

pytestmark = pytest.mark.django_db

OK, FORBIDDEN, MISSING = 200, 403, 404

# role -> (API national, API own area, API other area, API no such area, figures file scopes, or
#          its refusal, national dashboard, own area dashboard, other area dashboard)
ALL = {"national", "area", "other"}
EXPECTED = {
    "national governance member": (OK, OK, OK, MISSING, ALL, OK, OK, OK),
    "area governance member": (FORBIDDEN, OK, FORBIDDEN, MISSING, {"area"}, FORBIDDEN, OK, FORBIDDEN),
    "coordinator": (FORBIDDEN, OK, FORBIDDEN, MISSING, {"area"}, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "evaluator": (OK, OK, OK, MISSING, ALL, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "panel member": (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "isva": (FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
}


@pytest.fixture
def people(governance_member, area_governance_member, coordinator, evaluator, panel_member, isva):
    return {
        "national governance member": governance_member,
        "area governance member": area_governance_member,
        "coordinator": coordinator,
        "evaluator": evaluator,
        "panel member": panel_member,
        "isva": isva,
    }


@pytest.fixture
def scored(area, other_area) -> None:
    """Reviewed cases in both areas, 7 and 9, all scored 3 (shown: no count is small)."""
    for scope_area, number in ((area, 7), (other_area, 9)):
        panel = PanelFactory(area=scope_area)
        meeting = MeetingFactory(panel=panel)
        for _ in range(number):
            AgendaItemFactory(meeting=meeting, case=CaseFactory(panel=panel, area=scope_area), agreed_score=3)


def _file_scopes(response, fmt: str, names: dict[str, str]) -> set[str]:
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        rows = [
            list(r) for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
        ]
    assert rows[1][:1] == ["scope"], rows[:2]
    return {names[str(row[0])] for row in rows[2:]}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_every_route_gives_each_role_the_scopes_their_dashboard_would(
    role, people, area, other_area, scored
) -> None:
    (api_national, api_own, api_other, api_missing, file_scopes, dash_national, dash_own, dash_other) = (
        EXPECTED[role]
    )
    client = signed_in_client(people[role])
    api = reverse("api-v1:scrutiny_figures")
    got = {
        "api national": client.get(api).status_code,
        "api own area": client.get(api, {"area_id": area.pk}).status_code,
        "api other area": client.get(api, {"area_id": other_area.pk}).status_code,
        "api no such area": client.get(api, {"area_id": 987654}).status_code,
        "national dashboard": client.get(reverse("governance:national")).status_code,
        "national fragment": client.get(reverse("governance:national-figures")).status_code,
        "own dashboard": client.get(reverse("governance:area", args=[area.pk])).status_code,
        "own fragment": client.get(reverse("governance:area-figures", args=[area.pk])).status_code,
        "other dashboard": client.get(reverse("governance:area", args=[other_area.pk])).status_code,
        "other fragment": client.get(reverse("governance:area-figures", args=[other_area.pk])).status_code,
        "other export": client.post(
            reverse("governance:area-export", args=[other_area.pk]), {"format": "csv"}
        ).status_code,
    }
    assert got == {
        "api national": api_national,
        "api own area": api_own,
        "api other area": api_other,
        "api no such area": api_missing,
        "national dashboard": dash_national,
        "national fragment": dash_national,
        "own dashboard": dash_own,
        "own fragment": dash_own,
        "other dashboard": dash_other,
        "other fragment": dash_other,
        "other export": FORBIDDEN if dash_other == FORBIDDEN else 302,
    }, role
    # Factories make more areas than the two: every one of them is "another area".
    names = {a.name: "other" for a in Area.objects.all()}
    names.update({NATIONAL_LABEL: "national", area.name: "area"})
    for fmt in ("csv", "xlsx"):
        # A query cannot widen the file's scope: it holds every scope the person may see, no more.
        for query in ({}, {"area_id": other_area.pk}, {"area": other_area.pk}):
            response = client.get(reverse("scrutiny:aggregate-export", args=[fmt]), query)
            if file_scopes == FORBIDDEN:
                assert response.status_code == FORBIDDEN, (role, fmt)
            else:
                assert response.status_code == OK, (role, fmt)
                assert _file_scopes(response, fmt, names) == file_scopes, (role, fmt, query)


def test_an_area_member_sees_on_the_api_what_their_dashboard_shows(
    area_governance_member, area, scored
) -> None:
    client = signed_in_client(area_governance_member)
    data = client.get(reverse("api-v1:scrutiny_figures"), {"area_id": area.pk}).json()
    assert data["area"] == area.name and data["cases_reviewed"] == 7
    html = client.get(reverse("governance:area-figures", args=[area.pk])).content.decode()
    assert 'data-figure="cases_reviewed">7<' in html


def test_refusals_carry_no_figures(coordinator, other_area, scored) -> None:
    response = signed_in_client(coordinator).get(
        reverse("api-v1:scrutiny_figures"), {"area_id": other_area.pk}
    )
    assert response.status_code == FORBIDDEN
    assert set(response.json()) == {"detail"} and "9" not in response.content.decode()


@pytest.mark.parametrize("value", ["-1", "0", "99999999999999999999999", "abc", "1e3", "", "1;2"])
def test_a_hostile_area_id_is_a_clear_4xx(evaluator, value) -> None:
    response = signed_in_client(evaluator).get(reverse("api-v1:scrutiny_figures"), {"area_id": value})
    assert 400 <= response.status_code < 500, (value, response.status_code)
    assert "detail" in response.json()
