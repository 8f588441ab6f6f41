"""Wagtail pages. The site root is a HomePage (content.services.site_root_ensure)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.http import HttpRequest
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import AbstractGroupApprovalTask, Orderable, Page, PageViewRestriction
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from content.blocks import GuidanceBodyBlock
from content.forms import IdentifierCheckedPageForm
from content.presenters import home_entry_points
from content.site_settings import SiteSettings  # noqa: F401  (the site setting's model, found with the app's)
from content.workflow import TwoPersonTaskMixin, WorkflowOnlyPublishing


class CachedRestrictionsMixin:
    """Page view restrictions from the shared list (content.restrictions) instead of two queries
    per page served (ancestors, then restrictions). When none applies, Wagtail's serve hook gets
    an empty queryset and makes no query; when one does, the queryset fetches exactly those rows,
    so Wagtail's own accept_request decides as before. Sites with aliases use Wagtail's path.

    Also marks an unrestricted page's response as fit for the shared copy for signed-out visitors
    (content.page_cache, which decides the rest)."""

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        from content import page_cache

        if request.method in {"GET", "HEAD"} and not getattr(request, "is_preview", False):
            page_cache.remember_route(request)
            page_cache.offer(request, self)
        return super().serve(request, *args, **kwargs)  # type: ignore[misc]

    def get_view_restrictions(self) -> Any:
        from content.restrictions import restriction_set

        restrictions = restriction_set()
        if restrictions.has_aliases or getattr(self, "alias_of_id", None) is not None:
            return super().get_view_restrictions()  # type: ignore[misc]
        ids = [r.id for r in restrictions.applying_to(self.path)]  # type: ignore[attr-defined]
        if not ids:
            return PageViewRestriction.objects.none()
        return PageViewRestriction.objects.filter(pk__in=ids)


def route_to_typed_child(
    parent: Page, request: HttpRequest, path_components: list[str], models_in_order: list[Any]
) -> Any:
    """Route to a child in one query per level: the child models a page type allows are known, so
    look for the slug in each model's table (most-visited first) and get the specific page at once,
    instead of Wagtail's base-page lookup followed by `.specific`. Anything else (a child of another
    type, a missing slug) goes through Wagtail's own route, which raises Http404 as before."""
    slug = path_components[0]
    for model in models_in_order:
        queryset = model.objects.child_of(parent).filter(slug=slug)
        related = getattr(model, "route_select_related", ())
        if related:
            queryset = queryset.select_related(*related)
        child = queryset.first()
        if child is not None:
            child._cached_parent_obj = parent
            return child.route(request, path_components[1:])
    return Page.route(parent, request, path_components)


class HomePage(WorkflowOnlyPublishing, CachedRestrictionsMixin, Page):
    """The site root: what Scrutiny Hub is, and role-aware ways in for signed-in people."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["content.GuidanceIndexPage", "content.GovernanceBoardPage"]
    max_count = 1
    base_form_class = IdentifierCheckedPageForm
    identifier_checked_fields = ("title", "intro")

    class Meta:
        verbose_name = "home page"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["entry_points"] = home_entry_points(viewer=request.user)
        from content.fragments import page_fragment_key
        from content.selectors import latest_guidance

        viewer = request.user
        # Rendered once per revision and audience (content.fragments: never for a preview); the
        # query runs only when the fragment is not cached.
        context["latest_guidance"] = lambda: latest_guidance(viewer=viewer, limit=5)
        context["latest_guidance_key"] = page_fragment_key(request, self, "home_latest_guidance")
        return context

    def route(self, request: HttpRequest, path_components: list[str]) -> Any:
        if path_components:
            return route_to_typed_child(
                self, request, path_components, [GuidanceIndexPage, GovernanceBoardPage]
            )
        return super().route(request, path_components)


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


class Audience(models.TextChoices):
    ALL_PARTNERS = "all", "All partners"
    POLICE = "police", "Police officers and staff"
    PROSECUTORS = "prosecutors", "Prosecutors and CPS staff"
    ISVAS = "isvas", "Independent Sexual Violence Advisors"
    PANEL_MEMBERS = "panel", "Scrutiny panel members"
    VICTIMS = "victims", "Victims and survivors"


RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul", "document-link"]


class GuidanceIndexPage(WorkflowOnlyPublishing, CachedRestrictionsMixin, Page):
    """The guidance section: every guidance page the viewer may see, filterable by theme, audience
    and area."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.GuidancePage"]
    base_form_class = IdentifierCheckedPageForm
    identifier_checked_fields = ("title", "intro")
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    class Meta:
        verbose_name = "guidance index page"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from content.fragments import page_fragment_key
        from content.selectors import guidance_listing

        context = super().get_context(request, *args, **kwargs)
        listing = guidance_listing(viewer=request.user, index=self, params=request.GET)
        context["listing"] = listing
        # The results (count, page of pages, pagination) are a fragment cached per revision,
        # audience and filter (content.fragments: never for a preview); the count and list
        # queries run only when it is not cached (they are lazy).
        context["listing_key"] = page_fragment_key(
            request, self, "guidance_results", listing.query_string, listing.page_number
        )
        return context

    def route(self, request: HttpRequest, path_components: list[str]) -> Any:
        if path_components:
            return route_to_typed_child(self, request, path_components, [GuidancePage])
        return super().route(request, path_components)


class GovernanceBoardPage(WorkflowOnlyPublishing, CachedRestrictionsMixin, Page):
    """A joint CPS-police governance board: who sits on it, what it is for, when it meets. Its
    minutes and reports are PublicationPages beneath it."""

    area = models.ForeignKey(
        "agencies.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Leave empty for the national board.",
    )
    intro = models.TextField(blank=True)
    terms_of_reference = RichTextField(blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [
        *Page.content_panels,
        FieldPanel("area"),
        FieldPanel("intro"),
        FieldPanel("terms_of_reference"),
        InlinePanel("members", label="Members"),
        InlinePanel("meetings", label="Meetings"),
    ]
    parent_page_types = ["content.HomePage"]
    subpage_types = ["content.PublicationPage"]
    base_form_class = IdentifierCheckedPageForm
    # Members' names are published on purpose; the free-text fields are checked.
    identifier_checked_fields = ("title", "intro", "terms_of_reference", "meetings.summary")
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("terms_of_reference")]

    class Meta:
        verbose_name = "governance board page"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from content.selectors import board_publications

        context = super().get_context(request, *args, **kwargs)
        context["publications"] = board_publications(viewer=request.user, board=self)
        return context

    def route(self, request: HttpRequest, path_components: list[str]) -> Any:
        if path_components:
            return route_to_typed_child(self, request, path_components, [PublicationPage])
        return super().route(request, path_components)


class BoardMember(Orderable):
    board = ParentalKey(GovernanceBoardPage, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(max_length=150)
    role = models.CharField(max_length=150, help_text="For example: Chair, CPS Area lead.")
    organisation = models.CharField(max_length=150, blank=True)

    panels = [FieldPanel("name"), FieldPanel("role"), FieldPanel("organisation")]


class BoardMeeting(Orderable):
    board = ParentalKey(GovernanceBoardPage, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    summary = models.CharField(max_length=255, blank=True, help_text="What the meeting will cover.")

    panels = [FieldPanel("date"), FieldPanel("summary")]

    class Meta(Orderable.Meta):
        ordering = ["date"]


class PublicationKind(models.TextChoices):
    MINUTES = "minutes", "Minutes"
    REPORT = "report", "Report"


class PublicationPage(WorkflowOnlyPublishing, CachedRestrictionsMixin, Page):
    """Minutes or a report of a governance board, with its documents."""

    kind = models.CharField(max_length=20, choices=PublicationKind.choices, default=PublicationKind.MINUTES)
    publication_date = models.DateField()
    summary = models.TextField(blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldPanel("publication_date"),
        FieldPanel("summary"),
        InlinePanel("documents", label="Documents"),
    ]
    parent_page_types = ["content.GovernanceBoardPage"]
    subpage_types: list[str] = []
    base_form_class = IdentifierCheckedPageForm
    identifier_checked_fields = ("title", "summary", "documents.title")
    search_fields = [*Page.search_fields, index.SearchField("summary")]

    class Meta:
        verbose_name = "publication page"


class PublicationDocument(Orderable):
    publication = ParentalKey(PublicationPage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey("wagtaildocs.Document", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=255, blank=True, help_text="Defaults to the document's own title.")

    panels = [FieldPanel("document"), FieldPanel("title")]

    @property
    def display_title(self) -> str:
        return self.title or self.document.title


class GuidancePage(WorkflowOnlyPublishing, CachedRestrictionsMixin, Page):
    """One piece of good-practice guidance. Published only through the governance board's approval
    workflow (content.services.guidance_workflow_ensure)."""

    summary = models.TextField(help_text="One or two sentences shown in listings and search results.")
    body = StreamField(GuidanceBodyBlock(), blank=True)
    themes = ParentalManyToManyField(Theme, blank=True, related_name="guidance_pages")
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.ALL_PARTNERS)
    area = models.ForeignKey(
        "agencies.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Leave empty for national guidance.",
    )
    owner_board = models.ForeignKey(
        GovernanceBoardPage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_guidance",
        help_text="The governance board that owns and reviews this guidance.",
    )
    next_review_date = models.DateField(null=True, blank=True)
    victim_facing = models.BooleanField(
        default=False,
        help_text='Written for victims and survivors: the page shows the "Exit this page" button.',
    )
    provenance = models.CharField(
        max_length=255,
        blank=True,
        help_text="Where the learning came from (panel, area, meeting month). Never case details.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
                FieldPanel("audience"),
                FieldPanel("area"),
                FieldPanel("victim_facing"),
            ],
            heading="Taxonomy",
        ),
        MultiFieldPanel(
            [
                FieldPanel("owner_board"),
                FieldPanel("next_review_date"),
                FieldPanel("provenance", read_only=True),
            ],
            heading="Ownership and review",
        ),
        InlinePanel("change_notes", label="Change notes"),
    ]
    parent_page_types = ["content.GuidanceIndexPage"]
    subpage_types: list[str] = []
    base_form_class = IdentifierCheckedPageForm
    identifier_checked_fields = ("title", "summary", "body", "change_notes.note")
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("audience"),
        index.FilterField("area_id"),
        index.RelatedFields("themes", [index.SearchField("name")]),
    ]

    class Meta:
        verbose_name = "guidance page"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from django.utils.functional import SimpleLazyObject

        from content.fragments import page_fragment_key
        from content.selectors import guidance_page_context

        context = super().get_context(request, *args, **kwargs)
        viewer = request.user
        # The page body is a fragment cached per revision and audience (content.fragments: never
        # for a preview); these reads run only when it is not cached.
        context["extra"] = SimpleLazyObject(lambda: guidance_page_context(viewer=viewer, page=self))
        context["page_key"] = page_fragment_key(request, self, "guidance_page")
        return context


class GuidanceChangeNote(Orderable):
    page = ParentalKey(GuidancePage, on_delete=models.CASCADE, related_name="change_notes")
    date = models.DateField()
    note = models.CharField(max_length=255)

    panels = [FieldPanel("date"), FieldPanel("note")]

    class Meta(Orderable.Meta):
        ordering = ["-date", "sort_order"]


class ContentCheckTask(TwoPersonTaskMixin, AbstractGroupApprovalTask):
    """The editor's content check (the "2i" step): another content editor, never the author or
    the submitter, checks the page before it goes to the board (content.workflow)."""

    def start(self, workflow_state: Any, user: Any = None) -> Any:
        task_state = super().start(workflow_state, user=user)
        from content.services import guidance_awaiting_approval_notify

        guidance_awaiting_approval_notify(task=self, page_id=int(workflow_state.object_id), submitter=user)
        return task_state

    @classmethod
    def get_description(cls) -> str:
        return (
            "A member of the chosen groups who did not write or submit the page checks its content; "
            "pages held by the identifier check cannot be approved."
        )

    class Meta:
        verbose_name = "content check (2i) task"
        verbose_name_plural = "content check (2i) tasks"


class BoardApprovalTask(TwoPersonTaskMixin, AbstractGroupApprovalTask):
    """Governance board approval: a group approval by someone who neither wrote, submitted nor
    content-checked the page, and which cannot approve a revision the identifier check holds
    (content.workflow, content.identifier_check)."""

    def start(self, workflow_state: Any, user: Any = None) -> Any:
        task_state = super().start(workflow_state, user=user)
        from content.services import guidance_awaiting_approval_notify

        guidance_awaiting_approval_notify(task=self, page_id=int(workflow_state.object_id), submitter=user)
        return task_state

    @classmethod
    def get_description(cls) -> str:
        return (
            "Members of the chosen groups approve, never the page's author, submitter or content "
            "checker; revisions the identifier check holds cannot be approved."
        )

    class Meta:
        verbose_name = "board approval task"
        verbose_name_plural = "board approval tasks"


class PublicationCheckOverride(models.Model):
    """A second person's recorded decision that one identifier-check hit on one page is a false
    alarm (or that an unreadable document was opened and checked). It covers only the exact text
    it was made for: `fingerprint` binds the field, the whole text of that field and the hit
    (content.identifier_check.fingerprint), so any edit brings the hold back."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="+")
    revision = models.ForeignKey(
        "wagtailcore.Revision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    fingerprint = models.CharField(max_length=64)
    field = models.CharField(max_length=100)
    field_label = models.CharField(max_length=255)
    kind = models.CharField(max_length=100)
    excerpt = models.CharField(max_length=200, blank=True)
    reason = models.TextField()
    created_by = models.ForeignKey("agencies.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["page", "fingerprint"], name="content_override_once")]
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.field_label}: {self.kind}"
