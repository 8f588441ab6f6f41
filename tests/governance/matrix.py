"""URL names the governance permission matrix (tests/governance/test_matrix.py) covers."""

COVERED_URL_NAMES: set[str] = {
    "governance:index",
    "governance:national",
    "governance:national-figures",
    "governance:national-export",
    "governance:area",
    "governance:area-figures",
    "governance:area-export",
    "governance:export-detail",
    "governance:export-download",
    "governance:digest",
}
