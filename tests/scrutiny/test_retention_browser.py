"""The legal-hold pages in a real browser (daphne + Chromium): a coordinator places a hold from the
case page, sees the error for an empty reason, and clears it; a platform administrator finds the
case by reference. axe-core runs on every page, error states included."""

from __future__ import annotations

import pytest

from scrutiny.models import Case, LegalHold
from tests.factories.scrutiny import CaseFactory, PanelFactory
from tests.live import assert_accessible
from tests.scrutiny.test_browser import _as, _visit

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_place_and_clear_a_legal_hold(
    new_page, daphne_server, roles, area, coordinator, platform_admin
) -> None:
    case = CaseFactory(panel=PanelFactory(area=area), pseudonym="NTP-2026-0077")
    page = _as(new_page, daphne_server, coordinator)
    _visit(page, f"/scrutiny/cases/{case.pk}/")
    page.get_by_role("link", name="Manage the legal hold").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("button", name="Place a legal hold").click()
    page.wait_for_load_state()
    assert page.title().startswith("Error: ") and "Enter the reason." in page.content()
    assert_accessible(page)
    page.get_by_label("Reason").fill("Independent inquiry request IR-17")
    page.get_by_role("button", name="Place a legal hold").click()
    page.wait_for_load_state()
    assert "On legal hold" in page.content()
    assert Case.objects.get(pk=case.pk).legal_hold
    assert_accessible(page)

    admin = _as(new_page, daphne_server, platform_admin)
    _visit(admin, "/scrutiny/legal-holds/")
    admin.get_by_label("Case reference (pseudonym)").fill("NTP-2026-0077")
    admin.get_by_role("button", name="Find the case").click()
    admin.wait_for_load_state()
    assert admin.url.endswith(f"/scrutiny/cases/{case.pk}/legal-hold/")
    assert_accessible(admin)
    admin.get_by_label("Reason").fill("Inquiry reported")
    admin.get_by_role("button", name="Clear the legal hold").click()
    admin.wait_for_load_state()
    assert "Not on legal hold" in admin.content()
    assert not LegalHold.objects.get().is_active
