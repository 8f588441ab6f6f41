"""Every named URL of the project is in some app's permission matrix (tests/<app>/matrix.py,
COVERED_URL_NAMES), so adding an endpoint without deciding who may reach it fails here.

Wagtail's own URLs (names or namespaces starting with "wagtail") are exempt: they get a sampled
matrix (tests/agencies/test_wagtail_admin_matrix.py). Names must be spelled as reverse() takes them."""

from __future__ import annotations

import importlib
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

TESTS = Path(__file__).resolve().parent


def project_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list, namespaces: tuple[str, ...]) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, namespaces + ((pattern.namespace,) if pattern.namespace else ()))
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(":".join((*namespaces, pattern.name)))

    walk(get_resolver().url_patterns, ())
    return names


def is_wagtails_own(name: str) -> bool:
    return any(part.startswith("wagtail") for part in name.split(":")) and name != "wagtail_serve"


def covered_url_names() -> dict[str, set[str]]:
    covered = {}
    for path in sorted(TESTS.glob("*/matrix.py")):
        module = importlib.import_module(f"tests.{path.parent.name}.matrix")
        names = getattr(module, "COVERED_URL_NAMES", None)
        assert isinstance(names, set), f"{path} must define COVERED_URL_NAMES: set[str]"
        covered[path.parent.name] = names
    return covered


def test_every_named_url_is_in_a_permission_matrix() -> None:
    required = {name for name in project_url_names() if not is_wagtails_own(name)}
    covered = set().union(*covered_url_names().values())
    missing = sorted(required - covered)
    assert not missing, (
        "These URLs are in no tests/<app>/matrix.py COVERED_URL_NAMES (add them, with a "
        "per-role test):\n  " + "\n  ".join(missing)
    )


def test_matrices_name_only_urls_that_exist() -> None:
    existing = project_url_names()
    stale = {app: sorted(names - existing) for app, names in covered_url_names().items() if names - existing}
    assert not stale, f"Matrix entries for URLs that no longer exist: {stale}"


def test_the_walker_sees_namespaced_and_plain_names() -> None:
    names = project_url_names()
    assert {"healthz", "agencies:sign-in", "api-v1:list_notifications", "wagtailadmin_home"} <= names
    assert is_wagtails_own("wagtailadmin_home")
    assert not is_wagtails_own("agencies:sign-in")
