"""The systemd units in platform/systemd/ (the supported multi-machine path): `systemd-analyze verify`
accepts each, with its paths pointed at this checkout, and each names the settings it needs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.live import ROOT

UNITS = ROOT / "platform" / "systemd"
SERVICES = (
    "scrutiny-web",
    "scrutiny-realtime@",
    "scrutiny-tasks",
    "scrutiny-scheduler",
    "scrutiny-migrate",
    "scrutiny-backup",
)
TIMERS = ("scrutiny-backup",)


def _installed_copy(tmp_path: Path) -> list[Path]:
    """The units as a machine would install them, with /srv/scrutiny-hub/app at this checkout (verify
    checks that each ExecStart binary exists) and the template instantiated on a port."""
    env_file = tmp_path / "production.env"
    env_file.write_text("")
    copies = []
    for unit in sorted([*UNITS.glob("*.service"), *UNITS.glob("*.timer")]):
        name = unit.name.replace("@.service", "@8101.service")
        text = unit.read_text().replace("/srv/scrutiny-hub/app", str(ROOT))
        text = text.replace("/etc/scrutiny-hub/production.env", str(env_file))
        copy = tmp_path / name
        copy.write_text(text)
        copies.append(copy)
    return copies


def test_every_unit_is_there() -> None:
    assert sorted(p.name.removesuffix(".service") for p in UNITS.glob("*.service")) == sorted(SERVICES)
    assert sorted(p.name.removesuffix(".timer") for p in UNITS.glob("*.timer")) == sorted(TIMERS)


def test_the_backup_timer_starts_a_private_backup_hourly() -> None:
    timer = (UNITS / "scrutiny-backup.timer").read_text()
    assert "Unit=scrutiny-backup.service" in timer and "OnCalendar=hourly" in timer
    service = (UNITS / "scrutiny-backup.service").read_text()
    assert "manage.py backup" in service
    assert "UMask=0077" in service  # backups hold case data
    assert "ReadWritePaths=/var/backups/scrutiny-hub" in service
    # Old backups are pruned only after a backup succeeded (ExecStartPost), never instead of one.
    assert "ExecStartPost=/usr/bin/find /var/backups/scrutiny-hub" in service


@pytest.mark.parametrize("unit", sorted(UNITS.glob("*.service")), ids=lambda p: p.name)
def test_each_unit_reads_the_production_settings(unit: Path) -> None:
    text = unit.read_text()
    assert "EnvironmentFile=/etc/scrutiny-hub/production.env" in text
    assert "Environment=DJANGO_SETTINGS_MODULE=config.settings.production" in text
    assert "User=scrutiny" in text and "NoNewPrivileges=yes" in text
    if "oneshot" not in text:
        assert "Restart=always" in text


def test_systemd_analyze_verify_accepts_every_unit(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here (Debian: apt-get install systemd)")
    copies = _installed_copy(tmp_path)
    result = subprocess.run(  # noqa: S603
        [analyze, "verify", *map(str, copies)], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    output = (result.stdout + result.stderr).strip()
    if result.returncode != 0 and "Failed to initialize manager" in output:
        pytest.skip(f"systemd-analyze cannot run in this container: {output[:200]}")
    # A warning (an unknown key, a key in the wrong section) is a mistake too: nothing may be printed.
    assert result.returncode == 0 and not output, output


def _setting(text: str, key: str) -> list[str]:
    return [line.split("=", 1)[1] for line in text.splitlines() if line.startswith(f"{key}=")]


@pytest.mark.parametrize("unit", ["scrutiny-web", "scrutiny-realtime@"])
def test_units_serving_metrics_have_their_own_multiprocess_directory_emptied_at_start(unit: str) -> None:
    """The directory is the unit's runtime directory (created at start, removed at stop and on
    restart), emptied again before the workers start, and set in the unit, not the env file."""
    text = (UNITS / f"{unit}.service").read_text()
    environment = [v for v in _setting(text, "Environment") if v.startswith("PROMETHEUS_MULTIPROC_DIR=")]
    assert len(environment) == 1, environment
    directory = environment[0].split("=", 1)[1]
    assert directory.startswith("/run/")
    runtime = {name for value in _setting(text, "RuntimeDirectory") for name in value.split()}
    assert directory.removeprefix("/run/") in runtime
    assert _setting(text, "RuntimeDirectoryPreserve") == ["no"]
    # systemd runs every ExecStartPre= to completion before ExecStart=, wherever it is written.
    assert f"/usr/bin/find {directory} -mindepth 1 -delete" in _setting(text, "ExecStartPre")


def test_no_two_units_share_a_metrics_directory() -> None:
    """Stopping a unit removes its runtime directory, so a shared one would lose another's files."""
    directories = []
    for unit in sorted(UNITS.glob("*.service")):
        for value in _setting(unit.read_text(), "Environment"):
            if value.startswith("PROMETHEUS_MULTIPROC_DIR="):
                directories.append(value.split("=", 1)[1])
    assert len(directories) == len(set(directories)) == 2, directories


@pytest.mark.parametrize("unit", ["scrutiny-tasks", "scrutiny-scheduler"])
def test_units_without_a_metrics_endpoint_keep_metrics_in_memory(unit: str) -> None:
    text = (UNITS / f"{unit}.service").read_text()
    assert "UnsetEnvironment=PROMETHEUS_MULTIPROC_DIR" in text
    assert "PROMETHEUS_MULTIPROC_DIR=" not in text


def test_the_env_file_leaves_the_metrics_directory_to_the_units() -> None:
    # An EnvironmentFile= value overrides a unit's Environment=: it would point every unit at one
    # directory that no unit creates.
    example = (ROOT / "platform" / "production.env.example").read_text()
    assert not [line for line in example.splitlines() if line.startswith("PROMETHEUS_MULTIPROC_DIR=")]
