"""Reading, caching and publishing the suppressed figures of every scope."""

from __future__ import annotations

import copy
import hashlib
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.utils import timezone

from agencies.dropins.permissions import can_view_stats
from agencies.dropins.selectors import dropin_stats_by_scope
from agencies.realtime import events
from scrutiny.governance import permissions
from scrutiny.selectors import aggregate_audience, governance_stats_by_scope

if TYPE_CHECKING:
    from agencies.models import Area, User

from scrutiny.governance.figures.dashboard import SUPPRESS_BELOW, Dashboard, Stats, section_for
from scrutiny.governance.figures.suppress import SECTIONS, suppress_scopes

# Figures are aggregate and, once suppressed, the same for everyone who may see them, so they are
# cached already suppressed (raw counts are never stored): one entry per section holding the
# national figures and every area's. The selectors read every scope at once in a fixed number of
# grouped queries (5, whatever the number of areas) and the suppression audit runs once per change,
# not once per page. The key is safe: it holds no viewer, only the section and the audience the
# section was read for (the redaction policy decides per audience which figures a section has;
# drop-in figures are read only for those the drop-in selector lets through), and it moves on
# whenever a figure can have changed: it digests every scope's realtime sequence number
# (`governance.national` and each `governance.area.<id>`; every service that changes a figure
# publishes to its area's group and the national one inside its transaction), in the areas'
# order, so a new area or a new order moves it too (the entry is a list by position), and the
# date turns "overdue" over at midnight. The expiry bounds staleness from changes that publish
# nothing (a theme or agency renamed, records removed by retention). Which scopes a person gets
# out of an entry is decided after the cache, per request (`visible_scopes`).
FIGURES_CACHE_SECONDS = 60
CACHE_PREFIX = "governance-figures-v3"


def _sections_for(viewer: User) -> dict[str, str]:
    """The sections this viewer may read, each with the audience it is read for."""
    sections: dict[str, str] = {}
    audience = aggregate_audience(viewer)
    if audience is not None:
        sections["scrutiny"] = audience.value
    if can_view_stats(viewer):
        sections["dropins"] = "governance"
    return sections


def _read_sections(*, viewer: User, areas: list[Area], sections: list[str]) -> dict[str, list[Any]]:
    """The selectors' raw figures of each section for the national scope and each area, in that
    order (one grouped read per section)."""
    keys = [None, *(area.pk for area in areas)]
    result: dict[str, list[Any]] = {}
    if "scrutiny" in sections:
        scrutiny = governance_stats_by_scope(viewer=viewer, areas=areas)
        result["scrutiny"] = [scrutiny[key] or None for key in keys]
    if "dropins" in sections:
        dropins = dropin_stats_by_scope(viewer=viewer, areas=areas)
        result["dropins"] = [dropins[key] for key in keys]
    return result


def _group(area: Area | None) -> str:
    return events.governance_area_group(area.pk) if area is not None else events.governance_national_group()


def _cache_key(areas: list[Area]) -> str:
    groups = [_group(None), *(_group(area) for area in areas)]
    sequences = events.current_sequences(groups)  # one query
    versions = ";".join(f"{group}={sequences[group]}" for group in groups)
    digest = hashlib.sha256(versions.encode()).hexdigest()[:32]
    return f"{CACHE_PREFIX}:{digest}:{timezone.localdate().isoformat()}"


def suppressed_scopes(
    *, viewer: User, areas: list[Area] | None = None
) -> tuple[list[Area | None], list[Stats]]:
    """The national figures and every area's, suppressed together (the national figure is the sum
    of the areas', and one person may see all of those pages), so no page can be subtracted from
    another to recover a suppressed count: a section the viewer may not read is None. Every route
    shows figures from this, and only the scopes `visible_scopes` gives the viewer.
    `areas`: every area, by name, when the caller has read them already (one query fewer)."""
    if areas is None:
        areas = all_areas()
    sections = _sections_for(viewer)
    stored: dict[str, Any] = {}
    if sections:
        prefix = _cache_key(areas)
        keys = {section: f"{prefix}:{section}:{audience}" for section, audience in sections.items()}
        cached = cache.get_many(list(keys.values()))
        missing = [section for section, key in keys.items() if key not in cached]
        if missing:
            fresh = _read_sections(viewer=viewer, areas=areas, sections=missing)
            writes = {}
            for section in missing:
                scopes = [{section: stats} for stats in fresh[section]]
                suppress_scopes(scopes)
                writes[keys[section]] = [scope[section] for scope in scopes]
            cache.set_many(writes, FIGURES_CACHE_SECONDS)
            cached.update(writes)
        stored = {section: cached[key] for section, key in keys.items()}
    stats: list[Stats] = [
        {
            section: copy.deepcopy(stored[section][index]) if section in stored else None
            for section in SECTIONS
        }
        for index in range(len(areas) + 1)
    ]
    return [None, *areas], stats


def visible_scopes(viewer: User, areas: list[Area]) -> list[Area | None]:
    """The scopes (None: national) whose figures this viewer may fetch, on any route."""
    national: list[Area | None] = [None] if permissions.can_view_national_figures(viewer) else []
    return national + [area for area in areas if permissions.can_view_area_figures(viewer, area.pk)]


def all_areas() -> list[Area]:
    from agencies.models import Area

    return list(Area.objects.order_by("name"))


def dashboard_from(area: Area | None, stats: Stats) -> Dashboard:
    return Dashboard(
        area=area,
        sections=[
            section_for("scrutiny", "Scrutiny panels", stats["scrutiny"]),
            section_for("dropins", "ISVA drop-in sessions", stats["dropins"]),
        ],
    )


def _scope_stats(scopes: list[Area | None], stats: list[Stats], area: Area | None) -> Stats | None:
    wanted = area.pk if area is not None else None
    for scope, scope_stats in zip(scopes, stats, strict=True):
        if (scope.pk if scope is not None else None) == wanted:
            return scope_stats
    return None


def figures_for(*, viewer: User, area: Area | None, areas: list[Area] | None = None) -> Stats:
    """One scope's suppressed figures, taken from the publication of every scope. The caller has
    checked the viewer may see this scope (`visible_scopes`)."""
    scopes, stats = suppressed_scopes(viewer=viewer, areas=areas)
    found = _scope_stats(scopes, stats, area)
    if found is None and areas is not None:
        # An area created since the list was read: read the list again, so that it is suppressed
        # together with the others (on its own it could be subtracted from the national figure).
        scopes, stats = suppressed_scopes(viewer=viewer)
        found = _scope_stats(scopes, stats, area)
    return found if found is not None else dict.fromkeys(SECTIONS)  # the area has gone


def dashboard_for(*, viewer: User, area: Area | None, areas: list[Area] | None = None) -> Dashboard:
    """Everything the dashboard shows, read as the viewer. The caller has checked the viewer may
    see this dashboard (scrutiny.governance.permissions). `areas`: as for `suppressed_scopes`."""
    return dashboard_from(area, figures_for(viewer=viewer, area=area, areas=areas))


def api_figures(*, viewer: User, area: Area | None, areas: list[Area] | None = None) -> dict[str, Any]:
    """The JSON API's scrutiny figures for one scope: the selector's shape, every suppressed count
    reading "suppressed". The caller has checked the scope (`visible_scopes`)."""
    stats = figures_for(viewer=viewer, area=area, areas=areas)["scrutiny"]
    if stats is None:
        return {}
    return {**stats, "area": area.name if area is not None else None, "suppressed_below": SUPPRESS_BELOW}


NATIONAL_LABEL = "England and Wales"


def scope_label(area: Area | None) -> str:
    return area.name if area is not None else NATIONAL_LABEL


def aggregate_rows(*, viewer: User) -> list[tuple[str, str, str, str, int | float | str]]:
    """`/scrutiny/figures.csv|xlsx`: the scrutiny figures of every scope the viewer may fetch, as
    (scope, section, measure, breakdown, value) rows, suppressed as everywhere else."""
    areas = all_areas()
    scopes, stats = suppressed_scopes(viewer=viewer, areas=areas)
    by_scope = {(s.pk if s is not None else None): st for s, st in zip(scopes, stats, strict=True)}
    rows: list[tuple[str, str, str, str, int | float | str]] = []
    for scope in visible_scopes(viewer, areas):
        scope_stats = by_scope[scope.pk if scope is not None else None]
        dashboard = dashboard_from(scope, {"scrutiny": scope_stats["scrutiny"], "dropins": None})
        rows.extend((scope_label(scope), *row) for row in export_rows(dashboard))
    return rows


def export_rows(dashboard: Dashboard) -> list[tuple[str, str, str, int | float | str]]:
    """Aggregate rows for evaluators: (section, measure, breakdown, value), suppressed the same way."""
    rows: list[tuple[str, str, str, int | float | str]] = []
    for section in dashboard.sections:
        if not section.available:
            continue
        for _, label, cell in section.figures:
            rows.append((section.title, label, "", cell.export_value))
        for breakdown in section.breakdowns:
            for name, cells in breakdown.rows:
                for column, cell in zip(breakdown.columns, cells, strict=True):
                    detail = name if len(breakdown.columns) == 1 else f"{name}: {column}"
                    rows.append((section.title, breakdown.title, detail, cell.export_value))
    return rows
