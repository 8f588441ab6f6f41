"""Bulk, fictional data for the data-growth benchmark (bench/data_growth.py). Each function brings
a table up to a total with bulk inserts (no per-row saves, signals or search indexing) and
returns how long it took. Every row is namespaced ("growth-...") and fictional."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import Page

BOOKINGS_PER_SESSION = 50


def grow_bookings(*, total: int, area_agency: Any, host_agency: Any, viewer: Any = None) -> float:
    """Bookings up to `total` (of every ISVA): sessions of one generated schedule, each with
    BOOKINGS_PER_SESSION confirmed bookings by generated ISVAs of `area_agency` (and by `viewer`,
    when given, in every session: their own bookings grow with the data, 1 in 50); half the
    sessions in the past, half ahead (so the listing and the seat counts see them)."""
    from agencies.dropins.models import (
        Booking,
        BookingStatus,
        DropInSchedule,
        DropInSession,
        Topic,
    )
    from agencies.models import User

    started = time.perf_counter()
    have = Booking.objects.count()
    if have >= total:
        return 0.0
    isvas = list(User.objects.filter(email__startswith="growth-isva-").order_by("pk"))
    if len(isvas) < BOOKINGS_PER_SESSION:
        User.objects.bulk_create(
            User(email=f"growth-isva-{i}@growth.example.org", agency=area_agency, password="!")  # noqa: S106 - unusable
            for i in range(len(isvas), BOOKINGS_PER_SESSION)
        )
        isvas = list(User.objects.filter(email__startswith="growth-isva-").order_by("pk"))
    schedule, _ = DropInSchedule.objects.get_or_create(
        host_agency=host_agency,
        title="Growth drop-in",
        defaults={
            "weekdays": [1],
            "start_time": dt.time(9, 0),
            "end_time": dt.time(10, 0),
            "starts_on": timezone.localdate(),
            "seats": BOOKINGS_PER_SESSION,
            "occurrences": 1,
        },
    )
    first = DropInSession.objects.filter(schedule=schedule).count()
    needed = -(-(total - have) // BOOKINGS_PER_SESSION)
    now = timezone.now()
    sessions = DropInSession.objects.bulk_create(
        (
            DropInSession(
                schedule=schedule,
                occurrence_key=f"growth-{first + i}",
                starts_at=now + dt.timedelta(hours=(first + i) * (1 if (first + i) % 2 else -1) + 24),
                ends_at=now + dt.timedelta(hours=(first + i) * (1 if (first + i) % 2 else -1) + 25),
                capacity=BOOKINGS_PER_SESSION,
                confirmed_count=BOOKINGS_PER_SESSION,
            )
            for i in range(needed)
        ),
        batch_size=500,
    )
    if not sessions or sessions[0].pk is None:  # backends that do not return ids (older SQLite)
        sessions = list(
            DropInSession.objects.filter(
                schedule=schedule, occurrence_key__in=[f"growth-{first + i}" for i in range(needed)]
            )
        )
    bookers = [viewer, *isvas[: BOOKINGS_PER_SESSION - 1]] if viewer else isvas[:BOOKINGS_PER_SESSION]
    Booking.objects.bulk_create(
        (
            Booking(session=session, isva=isva, status=BookingStatus.CONFIRMED, topic=Topic.PROCESS)
            for session in sessions
            for isva in bookers
        ),
        batch_size=2000,
    )
    return time.perf_counter() - started


def grow_cases(*, total: int, template: Any) -> float:
    """Cases up to `total`, copies of `template` (a demo case: same panel, fictional) with their
    own pseudonyms."""
    from scrutiny.models import Case

    started = time.perf_counter()
    have = Case.objects.count()
    if have >= total:
        return 0.0
    fields = [
        f
        for f in Case._meta.concrete_fields
        if not f.primary_key and f.attname not in {"pseudonym"} and not getattr(f, "auto_now", False)
    ]
    rows = []
    for i in range(have, total):
        case = Case(**{f.attname: getattr(template, f.attname) for f in fields})
        case.pseudonym = f"GROW-{i:06d}"
        rows.append(case)
    Case.objects.bulk_create(rows, batch_size=1000)
    return time.perf_counter() - started


def grow_guidance(*, total: int, index: Any) -> float:
    """Live guidance pages under `index` up to `total`: treebeard paths computed here and rows
    inserted in batches (add_child per page takes minutes for thousands). Not search-indexed."""
    from content.models import GuidancePage

    started = time.perf_counter()
    have = GuidancePage.objects.count()
    if have >= total:
        return 0.0
    index.refresh_from_db()
    content_type = ContentType.objects.get_for_model(GuidancePage)
    last = index.get_last_child()
    start = (GuidancePage._str2int(last.path[-GuidancePage.steplen :]) if last else 0) + 1
    now = timezone.now()
    pages = []
    for offset in range(total - have):
        number = start + offset
        slug = f"growth-{number}"
        pages.append(
            GuidancePage(
                path=index._get_path(index.path, index.depth + 1, number),
                depth=index.depth + 1,
                numchild=0,
                title=f"Growth guidance {number}",
                draft_title=f"Growth guidance {number}",
                slug=slug,
                url_path=f"{index.url_path}{slug}/",
                content_type=content_type,
                locale_id=index.locale_id,
                translation_key=uuid.uuid4(),
                live=True,
                has_unpublished_changes=False,
                first_published_at=now - dt.timedelta(days=30),
                last_published_at=now - dt.timedelta(days=30),
                summary="Generated summary.",
                body=[("rich_text", "<p>Generated body.</p>")],
            )
        )
    base_fields = [f for f in Page._meta.concrete_fields if f.attname != "id"]
    Page.objects.bulk_create(
        [Page(**{f.attname: getattr(p, f.attname) for f in base_fields}) for p in pages], batch_size=500
    )
    created = dict(Page.objects.filter(path__in=[p.path for p in pages]).values_list("path", "pk"))
    for page in pages:
        page.pk = page.page_ptr_id = created[page.path]
    fields = list(GuidancePage._meta.local_concrete_fields)
    for batch_start in range(0, len(pages), 500):
        GuidancePage._base_manager._insert(
            pages[batch_start : batch_start + 500], fields=fields, using="default"
        )
    themes = list(GuidancePage.themes.field.related_model.objects.order_by("pk")[:2])
    through = GuidancePage.themes.through
    through.objects.bulk_create(
        [through(guidancepage_id=page.pk, theme_id=theme.pk) for page in pages for theme in themes],
        batch_size=1000,
    )
    Page.objects.filter(pk=index.pk).update(numchild=index.numchild + len(pages))
    return time.perf_counter() - started
