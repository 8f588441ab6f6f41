"""The CMS's Site settings (content.site_settings): service name, phase banner and contact addresses,
edited by a platform admin only, audited, shown on every page with no fake address and no query
once warm."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import ModelLogEntry, Site

from content.site_settings import SiteSettings
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db


def _edit_url() -> str:
    site = Site.objects.get(is_default_site=True)
    return reverse("wagtailsettings:edit", args=["content", "sitesettings", site.pk])


def _form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "service_name": "Scrutiny Hub",
        "phase": "Beta",
        "phase_banner_text": "This is a new service.",
        "feedback_email": "",
        "accessibility_email": "",
        "accessibility_phone": "",
        "accessibility_response_days": "5",
    }
    data.update(changes)
    return data


def test_no_contact_link_and_no_fake_address_when_none_is_configured(client: Client, home_page) -> None:
    for path in ("/", "/accessibility/", "/account/sign-in/"):
        body = client.get(path).content.decode()
        assert ".invalid" not in body, path
        assert "mailto:" not in body, path
        assert ">Contact</a>" not in body, path
    statement = client.get("/accessibility/").content.decode()
    assert "ask your organisation's Scrutiny Hub administrator" in statement
    assert "working days" not in statement


def test_environment_addresses_are_the_first_values(client: Client, home_page, settings) -> None:
    settings.FEEDBACK_EMAIL = "feedback@scrutiny.example.org"
    settings.ACCESSIBILITY_EMAIL = "access@scrutiny.example.org"
    body = client.get("/").content.decode()
    assert body.count('href="mailto:feedback@scrutiny.example.org"') == 2  # banner and footer
    assert "Tell us what you think by emailing" in body
    statement = client.get("/accessibility/").content.decode()
    assert 'href="mailto:access@scrutiny.example.org"' in statement
    assert "get back to you in 5 working days" in statement
    assert not SiteSettings.objects.exists()  # shown from the defaults; a page view writes nothing
    from wagtail.models import Site

    row = SiteSettings.for_site(Site.objects.get(is_default_site=True))  # the admin form's start
    assert (row.feedback_email, row.accessibility_email) == (
        "feedback@scrutiny.example.org",
        "access@scrutiny.example.org",
    )


def test_a_platform_admin_edits_them_and_the_change_is_audited_and_shown_at_once(
    client: Client, platform_admin
) -> None:
    assert "Beta" in client.get("/").content.decode()  # warm the cached copy and the page copy
    admin = signed_in_client(platform_admin)
    assert admin.get(_edit_url()).status_code == 200
    response = admin.post(
        _edit_url(),
        _form(
            service_name="Panel Hub",
            phase="Alpha",
            phase_banner_text="A trial service.",
            feedback_email="hello@panel.example.org",
            accessibility_email="a11y@panel.example.org",
            accessibility_phone="0300 123 4567",
            accessibility_response_days="3",
        ),
    )
    assert response.status_code == 302
    row = SiteSettings.objects.get()
    assert row.service_name == "Panel Hub" and row.feedback_email == "hello@panel.example.org"
    entry = ModelLogEntry.objects.get(action="wagtail.edit", object_id=str(row.pk))
    assert entry.user_id == platform_admin.pk
    assert entry.content_type.model_class() is SiteSettings

    body = client.get("/").content.decode()
    assert "<title>" in body and "– Panel Hub</title>" in body
    assert ">Alpha</strong>" in body and "A trial service." in body and "Beta" not in body
    assert 'href="mailto:hello@panel.example.org">Contact</a>' in body
    statement = client.get("/accessibility/").content.decode()
    assert "Accessibility statement for Panel Hub" in statement
    assert 'href="mailto:a11y@panel.example.org"' in statement and "call 0300 123 4567" in statement
    assert "get back to you in 3 working days" in statement


def test_an_empty_phase_shows_no_banner(client: Client, platform_admin) -> None:
    admin = signed_in_client(platform_admin)
    assert admin.post(_edit_url(), _form(phase="")).status_code == 302
    assert "govuk-phase-banner" not in client.get("/").content.decode()


@pytest.mark.parametrize("who", ["editor", "governance_member", "isva"])
def test_no_one_else_may_open_or_save_them(who: str, request: pytest.FixtureRequest) -> None:
    user = request.getfixturevalue(who)
    client = signed_in_client(user)
    SiteSettings.for_site(Site.objects.get(is_default_site=True))
    assert client.get(_edit_url()).status_code in {302, 403}
    hostile = _form(feedback_email="evil@attacker.example.org")
    assert client.post(_edit_url(), hostile).status_code in {302, 403}
    assert SiteSettings.objects.get().feedback_email == ""
    assert not ModelLogEntry.objects.filter(action="wagtail.edit").exists()
    if who != "isva":  # CMS users see no Settings menu entry for it
        menu = client.get(reverse("wagtailadmin_home")).content.decode()
        assert "sitesettings" not in menu


@pytest.mark.parametrize(
    "changes",
    [
        {"feedback_email": "not an address"},
        {"feedback_email": "feedback@scrutiny-hub.invalid"},
        {"accessibility_email": "access@example.test"},
        {"accessibility_response_days": "0"},
        {"accessibility_response_days": "-1"},
        {"accessibility_response_days": "many"},
        {"service_name": ""},
        {"service_name": "x" * 81},
    ],
)
def test_hostile_values_are_refused_and_nothing_is_saved(changes: dict[str, str], platform_admin) -> None:
    admin = signed_in_client(platform_admin)
    response = admin.post(_edit_url(), _form(**{"feedback_email": "kept@panel.example.org", **changes}))
    assert response.status_code == 200  # the form again, with its error
    assert "error" in response.content.decode().lower()
    assert SiteSettings.objects.get().feedback_email == ""
    assert not ModelLogEntry.objects.filter(action="wagtail.edit").exists()


def test_a_warm_page_reads_them_without_a_query(isva) -> None:
    client = signed_in_client(isva)
    assert client.get("/account/notifications/").status_code == 200
    with CaptureQueriesContext(connection) as captured:
        body = client.get("/account/notifications/").content.decode()
    assert "govuk-phase-banner" in body
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert "content_sitesettings" not in sql and "wagtailcore_site" not in sql


@pytest.mark.django_db
def test_a_page_view_writes_no_settings_row(client: Client, home_page) -> None:
    """Wagtail's for_request creates the row on first read; a GET must not write (the hostile-input
    tests check that refused requests leave every table as it was)."""
    from django.core.cache import cache

    from content.site_settings import SiteSettings

    SiteSettings.objects.all().delete()
    cache.clear()
    assert client.get("/").status_code == 200
    assert not SiteSettings.objects.exists()
