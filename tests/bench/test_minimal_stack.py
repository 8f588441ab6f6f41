"""platform/launch.py --wsgi-app/--settings: the one-machine stack serves another WSGI project (the
benchmarks' minimal baseline, bench/minimal_project/) through the same nginx and gunicorn
configuration, HTTP only."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.live import ROOT
from tests.platform.stack import LAUNCHER, load_launcher, require_nginx

MINIMAL = [
    "--wsgi-app",
    "bench.minimal_project.wsgi:application",
    "--settings",
    "bench.minimal_project.settings",
]


def test_another_wsgi_app_makes_the_stack_http_only() -> None:
    launcher = load_launcher()
    args = launcher.parse(MINIMAL)
    assert args.wsgi_app == "bench.minimal_project.wsgi:application"
    assert (args.ws_workers, args.no_task_worker) == (0, True)
    project = launcher.parse([])
    assert (project.wsgi_app, project.ws_workers, project.no_task_worker) == (
        "config.wsgi:application",
        2,
        False,
    )


def test_the_http_only_nginx_config_has_no_websocket_upstream_and_the_same_page_location(
    tmp_path: Path,
) -> None:
    launcher = load_launcher()
    minimal = launcher.nginx_conf(launcher.parse(MINIMAL), tmp_path, gunicorn_port=9001, daphne_ports=[])
    project = launcher.nginx_conf(launcher.parse([]), tmp_path, gunicorn_port=9001, daphne_ports=[9002])
    assert "ws_workers" not in minimal and "location /ws/" not in minimal
    page_location = project[project.index("        location / {") :].split("    }\n", 1)[0]
    assert page_location in minimal
    assert "upstream http_workers" in minimal


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--wsgi-app", "nocolon"], "expected MODULE:APP"),
        (["--wsgi-app", "bad module:app"], "expected MODULE:APP"),
        ([*MINIMAL, "--ws-workers", "2"], "--ws-workers must be 0"),
        (["--ws-workers", "0"], "at least one daphne worker"),
        (["--settings", "not a module"], "dotted module name"),
    ],
)
def test_bad_options_are_refused_with_a_message(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    launcher = load_launcher()
    with pytest.raises(SystemExit) as exited:
        launcher.parse(argv)
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.e2e
@pytest.mark.slow
def test_the_stack_serves_the_minimal_project_through_nginx(tmp_path: Path) -> None:
    require_nginx()
    run = tmp_path / "run"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            str(LAUNCHER),
            "--run-dir",
            str(run),
            "--http-workers",
            "1",
            "--http-threads",
            "1",
            *MINIMAL,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("ready "), line + (process.stderr.read() if process.poll() is not None else "")
        url = line.split()[1]
        with urllib.request.urlopen(url + "/", timeout=10) as response:  # noqa: S310 - loopback
            assert response.status == 200
            assert response.read() == b"ok"
            assert response.headers["Server"] == "nginx"
            assert response.headers["X-Frame-Options"] == "DENY"  # Django's default middleware ran
        processes = json.loads((run / "status.json").read_text())["processes"]
        assert sorted(processes) == ["gunicorn", "nginx"]
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
