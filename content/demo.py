"""Demo content for `manage.py seed_demo`: fictional guidance, a governance board and its minutes.
Idempotent: each page is found by its slug and created only when missing."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Page, PageViewRestriction

from content.models import (
    Audience,
    BoardMeeting,
    BoardMember,
    GovernanceBoardPage,
    GuidanceChangeNote,
    GuidancePage,
    PublicationDocument,
    PublicationKind,
    PublicationPage,
    Theme,
)
from content.services import (
    guidance_index_ensure,
    guidance_workflow_ensure,
    partner_collection_ensure,
    site_root_ensure,
)

# The Annual Rape Scrutiny Report headings and the joint national action plan themes.
THEMES = (
    ("Case strategy", "case-strategy"),
    ("Pre-charge decision making", "pre-charge"),
    ("Post-charge case progression", "post-charge"),
    ("Victim support and communication", "victim-support"),
    ("Prosecutor support and wellbeing", "prosecutor-support"),
    ("Police-CPS joint working", "joint-working"),
    ("Disclosure and third-party material", "disclosure"),
)

BOARD_SLUG = "national-governance-board"
GUIDANCE = (
    {
        "slug": "early-investigative-advice",
        "title": "Early investigative advice in rape cases",
        "summary": "Ask for early advice from a specialist prosecutor before key investigative decisions.",
        "themes": ["case-strategy", "joint-working"],
        "audience": Audience.POLICE,
        "body": [
            ("rich_text", "<p>Early advice helps investigators and prosecutors agree a case strategy.</p>"),
            (
                "checklist",
                {
                    "heading": "Before you ask for advice",
                    "items": [
                        "Summarise the lines of enquiry",
                        "List outstanding material",
                        "Note any risks",
                    ],
                },
            ),
            (
                "step_by_step",
                {
                    "heading": "How to ask for advice",
                    "steps": [
                        {"title": "Contact the RASSO unit", "text": "<p>Use the unit's advice line.</p>"},
                        {"title": "Agree an action plan", "text": "<p>Record the agreed actions.</p>"},
                    ],
                },
            ),
        ],
    },
    {
        "slug": "keeping-victims-informed",
        "title": "Keeping victims informed",
        "summary": "Plan how and when the victim hears about each decision, with their ISVA.",
        "themes": ["victim-support"],
        "audience": Audience.ALL_PARTNERS,
        "body": [
            ("rich_text", "<p>Agree one point of contact and keep to the agreed timescales.</p>"),
            (
                "callout",
                {"style": "inset", "text": "<p>Check the victim's preferred way to be contacted.</p>"},
            ),
        ],
    },
    {
        "slug": "what-happens-after-you-report",
        "title": "What happens after you report",
        "summary": "What to expect from the police, the prosecutor and your ISVA after you report.",
        "themes": ["victim-support"],
        "audience": Audience.VICTIMS,
        "victim_facing": True,
        "body": [
            ("rich_text", "<p>You can ask your ISVA to be with you at any stage.</p>"),
            ("callout", {"style": "warning", "text": "<p>If you are in danger now, call 999.</p>"}),
        ],
    },
    {
        "slug": "third-party-material-requests",
        "title": "Requests for third-party material (partners only)",
        "summary": "How partners agree proportionate requests for third-party material.",
        "themes": ["disclosure"],
        "audience": Audience.ALL_PARTNERS,
        "partner_only": True,
        "body": [
            (
                "rich_text",
                "<p>Requests must be necessary and proportionate to a reasonable line of enquiry.</p>",
            )
        ],
    },
)


def _publish(page: Page) -> None:
    page.save_revision().publish()


def _board(home: Page) -> GovernanceBoardPage:
    board = GovernanceBoardPage.objects.filter(slug=BOARD_SLUG).first()
    if board is not None:
        return board
    board = GovernanceBoardPage(
        title="National RASSO governance board",
        slug=BOARD_SLUG,
        intro="The joint prosecution and police board that agrees and reviews good-practice guidance.",
        terms_of_reference="<p>The board agrees guidance from scrutiny panel learning, and reviews it.</p>",
    )
    board.members = [
        BoardMember(name="Alex Example", role="Chair", organisation="Fictional Prosecution Unit"),
        BoardMember(name="Sam Sample", role="Police lead", organisation="Fictional Constabulary"),
    ]
    board.meetings = [
        BoardMeeting(date=timezone.localdate() + datetime.timedelta(days=30), summary="Quarterly review")
    ]
    home.add_child(instance=board)
    _publish(board)
    return board


def _minutes(board: GovernanceBoardPage) -> None:
    if PublicationPage.objects.filter(slug="minutes-demo").exists():
        return
    document = get_document_model().objects.create(
        title="Board minutes (demo)",
        file=ContentFile(
            b"Fictional demo minutes of the national governance board.\n", name="minutes-demo.txt"
        ),
    )
    publication = PublicationPage(
        title="Board minutes (demo)",
        slug="minutes-demo",
        kind=PublicationKind.MINUTES,
        publication_date=timezone.localdate(),
        summary="Minutes of the board's most recent meeting.",
    )
    publication.documents = [PublicationDocument(document=document)]
    board.add_child(instance=publication)
    _publish(publication)


@transaction.atomic
def seed(*, stdout: object = None) -> None:
    home = site_root_ensure()
    for name, slug in THEMES:
        Theme.objects.get_or_create(slug=slug, defaults={"name": name})
    guidance_workflow_ensure()
    partner_collection_ensure()
    index = guidance_index_ensure()
    board = _board(home)
    _minutes(board)
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    for spec in GUIDANCE:
        if GuidancePage.objects.filter(slug=spec["slug"]).exists():
            continue
        page = GuidancePage(
            title=spec["title"],
            slug=spec["slug"],
            summary=spec["summary"],
            body=spec["body"],
            audience=spec["audience"],
            victim_facing=spec.get("victim_facing", False),
            owner_board=board,
            next_review_date=timezone.localdate() + datetime.timedelta(days=365),
        )
        page.themes = [themes[slug] for slug in spec["themes"]]
        page.change_notes = [GuidanceChangeNote(date=timezone.localdate(), note="First published.")]
        index.add_child(instance=page)
        if spec.get("partner_only"):
            PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
        _publish(page)
