"""Wagtail pages. The site root is a HomePage (content.services.site_root_ensure)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.snippets.models import register_snippet

from content.presenters import home_entry_points


class HomePage(Page):
    """The site root: what Scrutiny Hub is, and role-aware ways in for signed-in people."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = "home page"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["entry_points"] = home_entry_points(viewer=request.user)
        return context


@register_snippet
class Theme(models.Model):
    """The controlled theme list: published guidance and scrutiny findings share it (the Annual
    Rape Scrutiny Report headings and the joint national action plan themes)."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(
        default=True, help_text="Inactive themes stay on old records but cannot be chosen."
    )

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description"), FieldPanel("is_active")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
