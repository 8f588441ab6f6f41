"""The site's own words and contact points, edited in the Wagtail admin (Settings → Site settings).

Service name, phase banner, the feedback address and the accessibility statement's contact details
live in one Wagtail site setting instead of templates, so an operator changes them without a
deploy. Only people with `content.change_sitesettings` see or save it: the Platform admin role
(agencies.roles) and superusers. Wagtail's edit view logs every save as a `wagtail.edit` entry in
its audit log (Reports → Site history), with who and when.

Defaults come from the environment (FEEDBACK_EMAIL, ACCESSIBILITY_EMAIL, read in config.settings)
when the setting is first created; an address left empty shows no contact link at all, never a
made-up one.

Every page reads the setting through Wagtail's `settings` context processor
(`settings.content.SiteSettings`). `SiteSettings.for_request` keeps the values in the shared cache,
keyed by the request's host and port, so a warm page pays no query for them (the chrome's query
budget, tests/agencies/test_chrome_query_budget.py); saving the setting, or any Site, drops the
cached copy (now and again on commit), and bumps the content version so no stored copy of a public
page (content.page_cache) keeps showing the old words.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Site

CACHE_KEY = "content:site-settings:v1"
CACHE_TTL = 60 * 60


def default_feedback_email() -> str:
    return getattr(settings, "FEEDBACK_EMAIL", "") or ""


def default_accessibility_email() -> str:
    return getattr(settings, "ACCESSIBILITY_EMAIL", "") or ""


def refuse_reserved_domains(value: str) -> None:
    """An address the site shows must be able to reach someone: no reserved, never-delivered
    top-level domains (RFC 2606/6761)."""
    domain = value.rsplit("@", 1)[-1].lower().rstrip(".")
    if domain.rsplit(".", 1)[-1] in {"invalid", "test", "localhost"}:
        raise ValidationError("Enter an address people can write to: this domain never receives email.")


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    service_name = models.CharField(
        max_length=80,
        default="Scrutiny Hub",
        help_text="Shown in the header and in every page title.",
    )
    phase = models.CharField(
        max_length=20,
        blank=True,
        default="Beta",
        help_text="The phase banner's tag, such as Alpha or Beta. Leave empty to show no phase banner.",
    )
    phase_banner_text = models.CharField(
        max_length=200,
        blank=True,
        default="This is a new service.",
        help_text="The phase banner's sentence. The feedback address follows it when there is one.",
    )
    feedback_email = models.EmailField(
        blank=True,
        default=default_feedback_email,
        validators=[refuse_reserved_domains],
        help_text="Where feedback and the footer's Contact link go. Empty: no contact link is shown.",
    )
    accessibility_email = models.EmailField(
        blank=True,
        default=default_accessibility_email,
        validators=[refuse_reserved_domains],
        help_text="The accessibility statement's contact for problems and other formats.",
    )
    accessibility_phone = models.CharField(
        max_length=40,
        blank=True,
        default="",
        help_text="An optional telephone number for the accessibility statement.",
    )
    accessibility_response_days = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text="How many working days the accessibility statement promises for a reply.",
    )

    panels = [
        MultiFieldPanel([FieldPanel("service_name")], heading="Service"),
        MultiFieldPanel([FieldPanel("phase"), FieldPanel("phase_banner_text")], heading="Phase banner"),
        FieldPanel("feedback_email"),
        MultiFieldPanel(
            [
                FieldPanel("accessibility_email"),
                FieldPanel("accessibility_phone"),
                FieldPanel("accessibility_response_days"),
            ],
            heading="Accessibility statement contact",
        ),
    ]

    class Meta:
        verbose_name = "Site settings"
        verbose_name_plural = "Site settings"

    @classmethod
    def for_request(cls, request: HttpRequest) -> SiteSettings:
        """Wagtail's lookup (the Site for the host, then this row), through the shared cache."""
        attr_name = cls.get_cache_attr_name()
        if hasattr(request, attr_name):
            return getattr(request, attr_name)
        key = f"{request._get_raw_host()}|{request.get_port()}"
        stored = cache.get(CACHE_KEY)
        values = stored.get(key) if isinstance(stored, dict) else None
        if isinstance(values, dict):
            instance = cls._from_values(values)
            instance._request = request
            setattr(request, attr_name, instance)
            return instance
        instance = cls._read_for(request)
        fresh = dict(stored) if isinstance(stored, dict) else {}
        fresh[key] = {field.attname: getattr(instance, field.attname) for field in cls._meta.concrete_fields}
        cache.set(CACHE_KEY, fresh, CACHE_TTL)
        return instance

    @classmethod
    def _read_for(cls, request: HttpRequest) -> SiteSettings:
        """Wagtail's for_request without its get_or_create: a page view never writes. Until an
        administrator saves the settings, the defaults (from the environment) are shown."""
        site = Site.find_for_request(request)
        if site is None:
            raise cls.DoesNotExist(f"{cls.__name__} does not exist for site None.")
        instance = cls.base_queryset().filter(site=site).first() or cls(site=site)
        instance._request = request
        setattr(request, cls.get_cache_attr_name(), instance)
        return instance

    @classmethod
    def _from_values(cls, values: dict[str, Any]) -> SiteSettings:
        instance = cls(**values)
        instance._state.adding = False
        instance._state.db = "default"
        return instance


def forget(sender: Any, created: bool = False, **kwargs: Any) -> None:
    """Drop the cached values (and every stored copy of a public page): now, and again at commit,
    so a copy read inside the writer's transaction is not kept. Rows are made only by an
    administrator's save (page views read the defaults without writing, `_read_for`), so a new
    row is a change of what pages show like any other."""
    from content.restrictions import invalidate

    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))
    invalidate()


for _model in (SiteSettings, Site):
    for _signal, _name in ((post_save, "saved"), (post_delete, "deleted")):
        _signal.connect(forget, sender=_model, dispatch_uid=f"site-settings-{_name}-{_model._meta.label}")
