import pytest
from django.core.management import call_command
from django.test import Client
from wagtail.models import Page, Site

from content.models import HomePage
from content.services import site_root_ensure
from tests.conftest import signed_in_client

pytestmark = pytest.mark.django_db


def test_site_root_is_a_home_page_and_replaces_the_welcome_page() -> None:
    assert Page.objects.filter(title__startswith="Welcome to your new Wagtail site").exists()
    home = site_root_ensure()
    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific == home
    assert not Page.objects.filter(title__startswith="Welcome to your new Wagtail site").exists()
    assert site_root_ensure().pk == home.pk
    assert HomePage.objects.count() == 1


def test_site_root_is_rebuilt_from_an_empty_tree() -> None:
    Site.objects.all().delete()
    Page.objects.all().delete()
    home = site_root_ensure()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk


def test_home_page_is_public_with_a_sign_in_entry(client: Client, home_page) -> None:
    body = client.get("/").content.decode()
    assert '<h1 class="govuk-heading-xl">Scrutiny Hub</h1>' in body
    assert 'href="/account/sign-in/"' in body
    assert "Your work" not in body


def test_home_page_shows_entry_points_by_role(isva, editor) -> None:
    body = signed_in_client(isva).get("/").content.decode()
    assert "Your work" in body and "/account/notifications/" in body
    assert "Content admin" not in body
    assert "Content admin" in signed_in_client(editor).get("/").content.decode()


def test_role_aware_navigation(client: Client, isva, editor) -> None:
    anonymous = client.get("/").content.decode()
    assert "govuk-service-navigation__link" in anonymous and "Notifications</a>" not in anonymous
    assert 'href="/search/"' in anonymous
    body = signed_in_client(isva).get("/account/notifications/").content.decode()
    assert 'aria-current="page"' in body
    assert 'href="/cms/"' not in body
    assert 'href="/cms/"' in signed_in_client(editor).get("/").content.decode()


def test_home_page_query_count(isva, django_assert_max_num_queries) -> None:
    # Two of these are the latest-guidance list (view restrictions, then the pages); that the
    # count does not grow with the number of pages is tested in test_query_counts.py.
    client = signed_in_client(isva)
    with django_assert_max_num_queries(14):
        assert client.get("/").status_code == 200


def test_seed_demo_is_idempotent_and_refused_without_debug(settings, capsys) -> None:
    from django.core.management.base import CommandError

    from agencies.demo import DEMO_PASSWORD, USERS
    from agencies.models import User

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    call_command("seed_demo", "--force")
    call_command("seed_demo", "--force")
    # Other apps' demos add their own accounts; every account of the table exists exactly once.
    assert User.objects.filter(email__in=[spec.email for spec in USERS]).count() == len(USERS)
    for spec in USERS:
        user = User.objects.get(email=spec.email)
        assert user.check_password(DEMO_PASSWORD)
        assert user.groups.filter(name=spec.role.value).exists()
    assert HomePage.objects.count() == 1
    out = capsys.readouterr().out
    assert out.count("Demo accounts created") == 1


def test_every_home_entry_point_names_a_real_url() -> None:
    from django.urls import reverse

    from content.presenters import ENTRY_POINTS

    for _title, _description, url_name, _perm in ENTRY_POINTS:
        assert reverse(url_name)  # raises NoReverseMatch for a guessed or renamed URL
