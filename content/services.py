"""Writes to the content tree."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from content.models import HomePage

HOME_TITLE = "Scrutiny Hub"
HOME_INTRO = (
    "<p>Scrutiny Hub is where prosecution units, police forces, Independent Sexual Violence Advisors and "
    "independent panel members work together on rape and serious sexual offence cases: booking drop-in "
    "sessions, reviewing finalised cases on local scrutiny panels and publishing good-practice guidance.</p>"
)


@transaction.atomic
def site_root_ensure(*, hostname: str = "localhost", port: int = 80) -> HomePage:
    """Make a HomePage the root of the default site. Idempotent; replaces Wagtail's welcome page."""
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    home = HomePage.objects.first()
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(title="Root", slug="root")
    if home is None:
        home = root.add_child(instance=HomePage(title=HOME_TITLE, slug="home-page", intro=HOME_INTRO))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname=hostname, port=port, root_page=home, is_default_site=True, site_name=HOME_TITLE
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = HOME_TITLE
        site.save()
    # Wagtail's initial migration creates a "Welcome" page; nothing should point at it now.
    for page in root.get_children().exclude(pk=home.pk).specific():
        if type(page) is Page and not page.get_children().exists():
            page.delete()
    return home
