"""Hostile input on the governance forms: export requests (national and area) and the email
summary setting. See tests/hostile.py."""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import given

from scrutiny.governance.models import DigestFrequency, ExportFormat
from tests.conftest import signed_in_client
from tests.hostile import HOSTILE_SETTINGS, check_post, form_body, models_of

pytestmark = pytest.mark.django_db

TABLES = models_of("governance")


@HOSTILE_SETTINGS
@given(data=form_body({"format": [value for value, _ in ExportFormat.choices]}))
def test_export_request_forms(governance_member, area, other_area, data) -> None:
    client = signed_in_client(governance_member)
    check_post(client, reverse("governance:national-export"), data, TABLES)
    check_post(client, reverse("governance:area-export", args=[area.pk]), data, TABLES)
    check_post(client, reverse("governance:area-export", args=[2**62]), data, TABLES)


@HOSTILE_SETTINGS
@given(data=form_body({"format": [value for value, _ in ExportFormat.choices]}))
def test_area_member_cannot_export_another_area(area_governance_member, other_area, data) -> None:
    client = signed_in_client(area_governance_member)
    response = check_post(client, reverse("governance:area-export", args=[other_area.pk]), data, TABLES)
    assert response.status_code in (403, 404)


@HOSTILE_SETTINGS
@given(data=form_body({"frequency": [value for value, _ in DigestFrequency.choices]}))
def test_email_summary_form(governance_member, data) -> None:
    check_post(signed_in_client(governance_member), reverse("governance:digest"), data, TABLES)
