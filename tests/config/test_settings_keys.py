"""Every settings key the project defines is read by something: its own code, or a package it runs
(issue 19: a key nothing reads misleads the operator who sets it)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "config" / "settings"
ASSIGNED = re.compile(r"^([A-Z][A-Z0-9_]+)\s*(?::[^=]+)?=", re.MULTILINE)
# The packages whose settings the project sets (each reads its own from django.conf.settings).
PACKAGES = (
    "django",
    "wagtail",
    "axes",
    "guardian",
    "csp",
    "django_otp",
    "whitenoise",
    "channels",
    "channels_redis",
    "daphne",
    "django_redis",
    "storages",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "django_permissions_policy",
    "taggit",
    "modelcluster",
)
# Names computed inside the settings modules only to build other settings (never read as settings).
SETTINGS_ONLY = {"VAR_DIR", "RUN_ID", "XDIST_WORKER", "TASK_BACKENDS"}
PROJECT_DIRS = ("agencies", "scrutiny", "content", "config", "platform", "bench", "tests")


def _defined() -> set[str]:
    return {name for path in SETTINGS.glob("*.py") for name in ASSIGNED.findall(path.read_text())}


def _text_of(paths: list[Path]) -> str:
    return "\n".join(p.read_text(errors="ignore") for p in paths)


def _package_sources() -> str:
    paths: list[Path] = []
    for name in PACKAGES:
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.submodule_search_locations, name
        for location in spec.submodule_search_locations:
            paths.extend(Path(location).rglob("*.py"))
    return _text_of(paths)


def _project_sources() -> str:
    paths = [
        p
        for folder in PROJECT_DIRS
        for p in (ROOT / folder).rglob("*")
        if p.suffix in {".py", ".html", ".txt"} and SETTINGS not in p.parents and p != Path(__file__)
    ]
    return _text_of(paths)


def test_every_settings_key_is_read_by_the_project_or_a_package_it_runs() -> None:
    defined = _defined() - SETTINGS_ONLY
    assert len(defined) > 100  # the scan found the settings
    project, packages = _project_sources(), _package_sources()
    unread = sorted(
        name
        for name in defined
        if not re.search(rf"\b{name}\b", project) and not re.search(rf"\b{name}\b", packages)
    )
    assert unread == [], f"settings keys that nothing reads: {unread}"


@pytest.mark.parametrize("name", sorted(SETTINGS_ONLY))
def test_settings_only_names_are_used_inside_the_settings(name: str) -> None:
    uses = sum(len(re.findall(rf"\b{name}\b", p.read_text())) for p in SETTINGS.glob("*.py"))
    assert uses >= 2, name  # assigned, then used to build another setting
