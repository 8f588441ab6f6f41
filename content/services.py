"""Writes to the content tree."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.html import escape
from django.utils.text import slugify
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from agencies.models import Area, NotificationKind, User
from agencies.permissions import Perm, has
from agencies.roles import Role
from agencies.services import notification_send
from content.identifier_check import blocking_message, hits_in
from content.models import (
    BoardApprovalTask,
    ContentCheckTask,
    GuidanceIndexPage,
    GuidancePage,
    HomePage,
    PublicationCheckOverride,
    Theme,
)

WORKFLOW_NAME = "Governance board approval"
CONTENT_CHECK_TASK_NAME = "Content check (2i)"
GUIDANCE_INDEX_TITLE = "Guidance"
PARTNER_COLLECTION_NAME = "Partners only"

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


@transaction.atomic
def guidance_index_ensure() -> GuidanceIndexPage:
    """The guidance section under the site root. Idempotent."""
    existing = GuidanceIndexPage.objects.order_by("path").first()
    if existing is not None:
        return existing
    home = site_root_ensure()
    index = home.add_child(
        instance=GuidanceIndexPage(
            title=GUIDANCE_INDEX_TITLE,
            slug="guidance",
            intro="<p>Good practice agreed by the governance boards, from what scrutiny panels learn.</p>",
        )
    )
    index.save_revision().publish()
    return index


def _task_ensure(model: type, name: str, group: Group) -> Any:
    task = model.objects.filter(name=name).first()
    if task is None:
        task = model.objects.create(name=name)
    if not task.active:
        task.active = True
        task.save(update_fields=["active"])
    task.groups.set([group])
    return task


@transaction.atomic
def guidance_workflow_ensure() -> Workflow:
    """The default publishing workflow for the whole site, in two steps after the author submits:
    a content editor's content check (2i), then approval by a member of the "Governance member"
    group, which publishes. Neither step can be taken by the page's author or submitter, and no
    one takes both (content.workflow). Idempotent. No one can publish a page outside this workflow
    (content.workflow.WorkflowOnlyPermissionTester)."""
    editors, _ = Group.objects.get_or_create(name=Role.CONTENT_EDITOR.value)
    board, _ = Group.objects.get_or_create(name=Role.GOVERNANCE_MEMBER.value)
    tasks = [
        _task_ensure(ContentCheckTask, CONTENT_CHECK_TASK_NAME, editors),
        _task_ensure(BoardApprovalTask, WORKFLOW_NAME, board),
    ]
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    # WorkflowTask rows through their own manager: the cluster relation on Workflow defers writes.
    wanted = [task.pk for task in tasks]
    current = list(
        WorkflowTask.objects.filter(workflow=workflow)
        .order_by("sort_order")
        .values_list("task_id", flat=True)
    )
    if current != wanted:
        WorkflowTask.objects.filter(workflow=workflow).delete()
        for order, task in enumerate(tasks):
            WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=order)
    home = site_root_ensure()
    WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
    return workflow


@transaction.atomic
def partner_collection_ensure() -> Collection:
    """A collection for documents and images of partner-only guidance: signed-in partners only."""
    root = Collection.get_first_root_node()
    if root is None:  # Wagtail's migration makes it; a flushed database (transactional tests) has none
        root = Collection.add_root(name="Root")
    collection = root.get_children().filter(name=PARTNER_COLLECTION_NAME).first()
    if collection is None:
        collection = root.add_child(name=PARTNER_COLLECTION_NAME)
    if not CollectionViewRestriction.objects.filter(collection=collection).exists():
        CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=CollectionViewRestriction.LOGIN
        )
    return collection


def _unique_child_slug(parent: Page, title: str) -> str:
    base = (slugify(title) or "guidance")[:200]
    taken = set(parent.get_children().filter(slug__startswith=base).values_list("slug", flat=True))
    slug, counter = base, 2
    while slug in taken:
        slug = f"{base}-{counter}"
        counter += 1
    return slug


@transaction.atomic
def guidance_draft_from_finding(
    *, actor: User, theme: Theme, area: Area | None, title: str, summary: str, provenance: str
) -> GuidancePage:
    """Turn an agreed good-practice finding into an unpublished draft guidance page. Carries the
    theme, area and provenance (panel, area, meeting month) only - never case data. It still
    goes through the governance board approval workflow to be published."""
    if not has(actor, Perm.VIEW_GOVERNANCE):
        raise PermissionDenied("Only governance members can turn a finding into guidance.")
    title, summary, provenance = title.strip(), summary.strip(), provenance.strip()
    errors = {}
    if not title:
        errors["title"] = "Enter a title for the guidance."
    elif len(title) > 255:
        errors["title"] = "The title must be 255 characters or fewer."
    if not summary:
        errors["summary"] = "Enter a summary of the good practice."
    if len(provenance) > 255:
        errors["provenance"] = "The provenance must be 255 characters or fewer."
    for field, text in (("title", title), ("summary", summary), ("provenance", provenance)):
        hits = hits_in([text])
        if hits and field not in errors:
            errors[field] = blocking_message(hits)
    if errors:
        raise ValidationError(errors)
    index = guidance_index_ensure()
    page = GuidancePage(
        title=title,
        slug=_unique_child_slug(index, title),
        summary=summary,
        body=[("rich_text", f"<p>{escape(summary)}</p>")],
        area=area,
        provenance=provenance,
        live=False,
        owner=actor,
    )
    page.themes = [theme]
    index.add_child(instance=page)
    page.save_revision(user=actor, log_action=True)
    return page


@transaction.atomic
def guidance_awaiting_approval_notify(*, task: Any, page_id: int, submitter: User | None) -> int:
    """Tell each active member of the task's groups that a page awaits their step, except the
    people who wrote or submitted it (they cannot take it). The title names no content: the link
    opens the page in the CMS, where the reader's own permissions apply. Returns the number of
    notifications sent."""
    from content.workflow import content_author_ids

    url = reverse("wagtailadmin_pages:edit", args=[page_id])
    page = Page.objects.filter(pk=page_id).first()
    excluded = content_author_ids(page) if page is not None else set()
    if submitter is not None:
        excluded.add(submitter.pk)
    recipients = (
        User.objects.filter(groups__in=task.groups.all(), is_active=True)
        .exclude(pk__in=excluded)
        .distinct()
        .order_by("pk")
    )
    title = (
        "Guidance is awaiting your content check"
        if isinstance(task, ContentCheckTask)
        else "Guidance is awaiting your approval"
    )
    sent = 0
    for recipient in recipients:
        notification_send(
            recipient=recipient, title=title, kind=NotificationKind.GUIDANCE_AWAITING_APPROVAL, url=url
        )
        sent += 1
    return sent


OVERRIDE_REASON_MIN = 15
OVERRIDE_REASON_MAX = 2000


def publication_override_refusal(*, actor: User, page: Page) -> str | None:
    """Why `actor` may not record an override on `page`, or None. An override is a reviewer's
    decision: someone in a group of one of the page's workflow steps who can open the page in the
    CMS, and never one of its authors or its submitter."""
    from content.workflow import AUTHOR_REFUSAL, content_author_ids

    if not actor.is_active:
        return "Your account cannot record overrides."
    workflow = page.get_workflow()
    if workflow is None:
        return "This page has no approval workflow."
    task_groups: set[int] = set()
    for link in WorkflowTask.objects.filter(workflow=workflow, task__active=True).select_related("task"):
        groups = getattr(link.task.specific, "groups", None)
        if groups is not None:
            task_groups.update(groups.values_list("pk", flat=True))
    if not actor.is_superuser and not actor.groups.filter(pk__in=task_groups).exists():
        return "Only a reviewer of this page (a content checker or a board member) can record an override."
    if actor.pk in content_author_ids(page):
        return AUTHOR_REFUSAL
    return None


@transaction.atomic
def publication_override_record(
    *, actor: User, page: Page, fingerprint: str, reason: str
) -> PublicationCheckOverride:
    """Record a second person's reasoned decision that one hold of the identifier check on the
    page's latest revision is a false alarm. Raises PermissionDenied for the page's authors and
    non-reviewers, ValidationError for a missing reason or a hold that no longer applies. Logged in
    the page's history."""
    from wagtail.log_actions import log

    from content.identifier_check import publication_holds

    refusal = publication_override_refusal(actor=actor, page=page)
    if refusal:
        raise PermissionDenied(refusal)
    reason = (reason or "").strip()
    if "\x00" in reason:
        raise ValidationError({"reason": "The reason contains a character that cannot be stored."})
    if len(reason) < OVERRIDE_REASON_MIN:
        raise ValidationError(
            {"reason": f"Say why this is not identifying, in at least {OVERRIDE_REASON_MIN} characters."}
        )
    if len(reason) > OVERRIDE_REASON_MAX:
        raise ValidationError({"reason": f"The reason must be {OVERRIDE_REASON_MAX} characters or fewer."})
    page = Page.objects.select_for_update().get(pk=page.pk).specific
    revision = page.get_latest_revision()
    current = page.get_latest_revision_as_object() if revision is not None else page
    hold = next(
        (h for h in publication_holds(current, page_id=page.pk) if h.fingerprint == fingerprint), None
    )
    if hold is None:
        raise ValidationError(
            {"fingerprint": "This hold no longer applies: the text has changed or it was already overridden."}
        )
    override = PublicationCheckOverride.objects.create(
        page=page,
        revision=revision,
        fingerprint=fingerprint,
        field=hold.field[:100],
        field_label=hold.label[:255],
        kind=hold.kind[:100],
        excerpt=hold.excerpt[:200],
        reason=reason,
        created_by=actor,
    )
    log(
        instance=page,
        action="content.publication_check_override",
        user=actor,
        revision=revision,
        data={"field": hold.label, "kind": hold.kind, "reason": reason, "override_id": override.pk},
    )
    return override
