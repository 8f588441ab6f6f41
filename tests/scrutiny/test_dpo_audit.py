"""The data protection officer's platform-wide access audit (issue 13 point 6). Reproduction on
main: events with no panel (an agreement accepted, an aggregate export) appeared in no view or
export, and nobody could review the audit across panels."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.roles import Role
from scrutiny import services
from scrutiny.models import AccessEvent, AccessVerb, ConfidentialityAgreement
from tests.conftest import signed_in_client
from tests.factories import UserFactory

AUDIT_URLS = ("scrutiny:audit-log", "scrutiny:audit-log-export")


@pytest.fixture
def dpo(roles, national_agency):
    return UserFactory(
        email="dpo@test-gov.example.org", agency=national_agency, roles=[Role.DATA_PROTECTION_OFFICER]
    )


@pytest.fixture
def panel_less_events(coordinator, evaluator):
    agreement = ConfidentialityAgreement.objects.create(version=1, text="Keep it confidential.")
    accepted = services.agreement_accept(actor=coordinator, agreement=agreement)
    signed_in_client(evaluator).get(reverse("scrutiny:aggregate-export", args=["csv"]))
    return accepted


@pytest.mark.django_db
def test_the_officer_sees_events_without_a_panel_and_the_reading_is_audited(
    dpo, panel_less_events, evaluator
) -> None:
    client = signed_in_client(dpo)
    response = client.get(reverse("scrutiny:audit-log"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-table" in html and "govuk-pagination" not in html
    assert "Created or edited" in html and "agreementacceptance" in html
    assert "aggregate" in html and evaluator.email in html
    assert AccessEvent.objects.filter(actor=dpo, verb=AccessVerb.VIEW, object_type="audit_log").exists()


@pytest.mark.django_db
def test_the_export_covers_every_event_and_is_itself_audited(dpo, panel_less_events, evaluator) -> None:
    before = set(AccessEvent.objects.values_list("pk", flat=True))
    response = signed_in_client(dpo).get(reverse("scrutiny:audit-log-export"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header, body = rows[1], rows[2:]
    assert header[:3] == ["id", "at", "actor_id"]
    assert {int(r[0]) for r in body} >= before
    assert any(
        r[header.index("object_type")] == "aggregate" and r[header.index("panel_id")] == "" for r in body
    )
    assert AccessEvent.objects.filter(actor=dpo, verb=AccessVerb.EXPORT, object_type="audit_log").exists()


@pytest.mark.django_db
def test_filters_by_date_actor_and_verb_and_pages(dpo, panel_less_events, coordinator, evaluator) -> None:
    for _ in range(60):
        services.access_record(
            actor=coordinator,
            verb=AccessVerb.VIEW,
            object_type="panel",
            audience="coordinator",
            channel="page",
        )
    client = signed_in_client(dpo)
    url = reverse("scrutiny:audit-log")
    first = client.get(url, {"actor": coordinator.email, "verb": "view"})
    assert first.status_code == 200
    assert first.context["page"].paginator.count == 60
    assert "govuk-pagination" in first.content.decode()
    second = client.get(url, {"actor": coordinator.email, "verb": "view", "page": "2"})
    assert len(second.context["events"]) == 10
    by_verb = client.get(url, {"verb": "export"}).context["page"].object_list
    assert {e.verb for e in by_verb} == {"export"}
    assert client.get(url, {"actor": str(evaluator.pk)}).context["page"].paginator.count == 1
    today = timezone.localdate()
    assert client.get(url, {"date_to": (today - dt.timedelta(days=2)).isoformat()}).context["events"] == []
    exported = client.get(reverse("scrutiny:audit-log-export"), {"actor": evaluator.email})
    assert len(list(csv.reader(io.StringIO(exported.content.decode())))) == 3  # marking, header, one row


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "2026-13-45"},
        {"date_from": "2026-05-02", "date_to": "2026-05-01"},
        {"date_from": "1066-10-14"},
        {"actor": "x\x00y"},
        {"actor": "a" * 300},
        {"verb": "obliterate"},
        {"verb": ["view", "edit"], "date_to": "9" * 40},
    ],
)
@pytest.mark.django_db
def test_hostile_filters_are_a_clear_400(dpo, query) -> None:
    client = signed_in_client(dpo)
    for name in AUDIT_URLS:
        response = client.get(reverse(name), query)
        assert response.status_code == 400, (name, query)
        # A NUL byte is refused at the edge, before the view (config.middleware).
        if any("\x00" in str(value) for value in query.values()):
            assert "Your request could not be read" in response.content.decode()
        else:
            assert "govuk-error-summary" in response.content.decode()


@pytest.mark.django_db
def test_a_hostile_page_number_is_not_a_500(dpo) -> None:
    client = signed_in_client(dpo)
    for page in ("abc", "-1", "0", "99999999999999999999", "1e9"):
        assert client.get(reverse("scrutiny:audit-log"), {"page": page}).status_code == 200


ROLES_REFUSED = (
    "isva",
    "host",
    "coordinator",
    "panel_member",
    "governance_member",
    "editor",
    "platform_admin",
    "evaluator",
    "agency_admin",
)


@pytest.mark.parametrize("who", ROLES_REFUSED)
@pytest.mark.django_db
def test_nobody_but_the_officer_reaches_the_audit(request, who) -> None:
    user = request.getfixturevalue(who)
    client = signed_in_client(user)
    for name in AUDIT_URLS:
        assert client.get(reverse(name)).status_code == 403, (who, name)


@pytest.mark.django_db
def test_signed_out_is_sent_to_sign_in(db) -> None:
    from django.test import Client

    for name in AUDIT_URLS:
        response = Client().get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith("/account/sign-in/")


@pytest.mark.django_db
def test_the_officer_role_holds_only_the_audit_permission(dpo) -> None:
    from scrutiny import permissions

    assert permissions.can_review_audit(dpo)
    assert not permissions.can_export_aggregate(dpo)
    assert dpo.get_all_permissions() == {"scrutiny.review_audit"}
