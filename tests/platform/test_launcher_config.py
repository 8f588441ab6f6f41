"""The nginx configuration platform/launch.py generates, read and checked with `nginx -t` without
running a stack (so these run on every CI pass): OCSP stapling where the certificate allows it,
the client's X-Forwarded-Proto and a malformed X-Request-ID replaced wherever nginx proxies."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.live import free_port
from tests.platform.stack import load_launcher, nginx_path, require_nginx, self_signed


def _conf(tmp_path: Path, argv: list[str]) -> str:
    launcher = load_launcher()
    args = launcher.parse(argv)
    return launcher.nginx_conf(args, tmp_path, gunicorn_port=8001, daphne_ports=[8002, 8003])


def test_ocsp_stapling_only_when_the_certificate_names_a_responder(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    with_ocsp = tmp_path / "ocsp"
    with_ocsp.mkdir()
    cert, key = self_signed(plain)
    stapled_cert, stapled_key = self_signed(with_ocsp, ocsp_url="http://ocsp.example.org")
    assert "ssl_stapling" not in _conf(
        tmp_path, ["--port", "8443", "--tls-cert", str(cert), "--tls-key", str(key)]
    )
    stapled = _conf(
        tmp_path, ["--port", "8443", "--tls-cert", str(stapled_cert), "--tls-key", str(stapled_key)]
    )
    assert "ssl_stapling on;" in stapled and "ssl_stapling_verify on;" in stapled and "resolver " in stapled


@pytest.mark.parametrize(
    "extra",
    [
        [],
        ["--trusted-proxy", "10.0.0.0/8", "--bind", "0.0.0.0"],  # noqa: S104
        ["--tls", "--http-port", "8080"],
    ],
    ids=["plain", "behind-terminator", "tls"],
)
def test_every_generated_configuration_passes_nginx_t(tmp_path: Path, extra: list[str]) -> None:
    require_nginx()
    argv = ["--port", str(free_port())]
    if "--tls" in extra:
        cert, key = self_signed(tmp_path)
        extra = [arg for arg in extra if arg != "--tls"] + ["--tls-cert", str(cert), "--tls-key", str(key)]
    conf = _conf(tmp_path, argv + extra)
    # A client's X-Forwarded-Proto is replaced everywhere nginx proxies.
    assert "$http_x_forwarded_proto;" not in conf
    assert conf.count("proxy_set_header X-Forwarded-Proto $forwarded_proto;") >= 2
    (tmp_path / "nginx.conf").write_text(conf)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / "tmp" / sub).mkdir(parents=True, exist_ok=True)
    checked = subprocess.run(  # noqa: S603
        [
            str(nginx_path()),
            "-t",
            "-p",
            str(tmp_path),
            "-c",
            str(tmp_path / "nginx.conf"),
            "-e",
            "/dev/stderr",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert checked.returncode == 0, checked.stderr


@pytest.mark.parametrize("tls", [False, True], ids=["plain", "tls"])
def test_the_request_id_is_passed_on_and_returned_wherever_nginx_proxies(tmp_path: Path, tls: bool) -> None:
    argv = ["--port", "8443"]
    if tls:
        cert, key = self_signed(tmp_path)
        argv += ["--tls-cert", str(cert), "--tls-key", str(key), "--http-port", "8080"]
    conf = _conf(tmp_path, argv)
    # The client's header only through the well-formedness map, never raw.
    assert conf.count("$http_x_request_id") == 2  # the map's input and its well-formed branch
    assert '"~^[A-Za-z0-9._:-]{1,128}$" $http_x_request_id;' in conf
    assert conf.count("proxy_set_header X-Request-ID $edge_request_id;") == conf.count("proxy_pass ")
    # add_header does not inherit into a block that has its own: every server with one repeats it.
    for server in conf.split("    server {")[1:]:
        if "add_header" in server:
            assert "add_header X-Request-ID $edge_request_id always;" in server
    assert "access_log off;" in conf
    assert "nginx-access.log scrutiny_json" in _conf(tmp_path, [*argv, "--access-log"])
