"""Every aggregate figure, for every route: read through the drop-in and scrutiny selectors (the
only doors to their data), suppress them (one rule, `suppress_scopes`), and shape them for the
dashboards, their live fragment and WebSocket frames, the SVG charts, the evaluation exports, the
JSON API (`api_figures`) and `/scrutiny/figures.csv|xlsx` (`aggregate_rows`). No other module
suppresses or publishes an aggregate count; which scopes a person may fetch is decided by
`scrutiny.governance.permissions.can_view_national_figures` / `can_view_area_figures` on every
route. ADR 0012 explains the rule.

Suppression (`suppress_scopes`, with the engine in `scrutiny.governance.suppression`):
1. Primary: any count from 1 to 4 is suppressed. Zero is shown: it discloses nobody, and showing
   it lets every reader know a suppressed count is at least 1 (the audit assumes they do).
2. Secondary: the national figures and every area's are suppressed together, once, for everyone
   (one person may hold them all), with every relation a reader knows (a distribution and its
   total, two breakdowns of one total, national = the sum of the areas, overdue <= open, ...). An
   integer programme checks that no suppressed count, and no derivable count from 1 to 4, can be
   pinned to one value; while one can, the smallest related count is suppressed too.
3. Every suppressed figure reads the same ("suppressed"), so no one can tell which were small.
4. A rate is withheld when any count of the same source is suppressed, so it cannot be used to
   work a suppressed count back out.
Every audience gets a subset of that one suppressed publication (its scopes and sections), and a
subset of a publication no one can solve is no easier to solve."""

from scrutiny.governance.figures.dashboard import (
    BAR_FILLS,
    IGNORED,
    LABELS,
    SUPPRESS_BELOW,
    SUPPRESSED,
    SUPPRESSED_TEXT,
    Bar,
    Breakdown,
    Cell,
    Chart,
    Dashboard,
    Path,
    Section,
    Stats,
    count_cell,
    label_for,
)
from scrutiny.governance.figures.scopes import (
    CACHE_PREFIX,
    FIGURES_CACHE_SECONDS,
    NATIONAL_LABEL,
    aggregate_rows,
    all_areas,
    api_figures,
    dashboard_for,
    dashboard_from,
    export_rows,
    figures_for,
    scope_label,
    suppressed_scopes,
    visible_scopes,
)
from scrutiny.governance.figures.suppress import (
    SECTIONS,
    suppress_scopes,
)

__all__ = [
    "BAR_FILLS",
    "Bar",
    "Breakdown",
    "CACHE_PREFIX",
    "Cell",
    "Chart",
    "Dashboard",
    "FIGURES_CACHE_SECONDS",
    "IGNORED",
    "LABELS",
    "NATIONAL_LABEL",
    "Path",
    "SECTIONS",
    "SUPPRESSED",
    "SUPPRESSED_TEXT",
    "SUPPRESS_BELOW",
    "Section",
    "Stats",
    "aggregate_rows",
    "all_areas",
    "api_figures",
    "count_cell",
    "dashboard_for",
    "dashboard_from",
    "export_rows",
    "figures_for",
    "label_for",
    "scope_label",
    "suppress_scopes",
    "suppressed_scopes",
    "visible_scopes",
]
