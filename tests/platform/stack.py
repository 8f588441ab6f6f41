"""platform/launch.py as a test fixture: start it, read its "ready" line and status.json, stop it.

The launcher is a script, not a module (docs/adr/0001-config-and-platform.md); tests that need its
pure functions (the nginx configuration) load it by path with `load_launcher()`."""

from __future__ import annotations

import datetime
import importlib.util
import ipaddress
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID

from tests.live import ROOT

LAUNCHER = ROOT / "platform" / "launch.py"


def nginx_path() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def require_nginx() -> None:
    """Skip without nginx; with CI_REQUIRE_SERVICES=1 (CI installs nginx-light) that is a failure."""
    if nginx_path() is None:
        from tests.conftest import _missing_or_fail

        _missing_or_fail("needs nginx (apt-get install nginx-light)", "CI_REQUIRE_SERVICES")


def load_launcher() -> ModuleType:
    spec = importlib.util.spec_from_file_location("scrutiny_platform_launch", LAUNCHER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@dataclass
class RunningStack:
    url: str
    run: Path
    process: subprocess.Popen[str]
    daphne_ports: list[int]
    gunicorn_port: int

    def status(self) -> dict[str, Any]:
        return json.loads((self.run / "status.json").read_text())

    def pid(self, name: str) -> int | None:
        return self.status()["processes"][name]["pid"]

    def restarts(self, name: str) -> int:
        return int(self.status()["processes"][name]["restarts"])

    def logs(self) -> str:
        return "\n".join(
            f"== {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in sorted(self.run.glob("*.log"))
        )

    def wait_restarted(self, name: str, *, restarts: int, timeout: float = 30) -> int:
        """The new pid once the launcher has restarted `name` for the `restarts`th time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.status()["processes"][name]
            if status["restarts"] >= restarts and status["pid"]:
                return int(status["pid"])
            time.sleep(0.1)
        raise AssertionError(f"{name} was not restarted within {timeout} s:\n{self.logs()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_stack(run: Path, env: dict[str, str], args: list[str]) -> RunningStack:
    """Start the launcher and wait for its one stdout line ("ready <url> ..." or why it stopped)."""
    require_nginx()
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, str(LAUNCHER), "--run-dir", str(run), *args],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=(run.parent / f"{run.name}-launcher.err").open("w"),
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("ready "):
        process.kill()
        logs = "\n".join(f"== {p.name}\n{p.read_text(errors='replace')[-2000:]}" for p in run.glob("*.log"))
        pytest.fail(f"platform/launch.py did not start: {line}{process.stdout.read()}\n{logs}")
    fields = dict(part.split("=", 1) for part in line.split()[2:])
    return RunningStack(
        url=line.split()[1],
        run=run,
        process=process,
        daphne_ports=[int(p) for p in fields["daphne"].split(",")],
        gunicorn_port=int(fields["gunicorn"]),
    )


def self_signed(directory: Path, *, ocsp_url: str | None = None) -> tuple[Path, Path]:
    """A throwaway certificate for 127.0.0.1 (and an OCSP responder address, if given)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
    )
    if ocsp_url:
        builder = builder.add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url)
                    )
                ]
            ),
            False,
        )
    cert = builder.sign(key, hashes.SHA256())
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path
