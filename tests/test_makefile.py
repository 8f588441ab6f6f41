"""The README's two commands stop with one clear sentence when a prerequisite is missing."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _make(target: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", "-s", target, *args],
        cwd=ROOT,
        env=env or dict(os.environ),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_prerequisites_pass_on_this_machine() -> None:
    assert _make("prerequisites").returncode == 0


def test_too_old_or_missing_python_is_one_sentence(tmp_path: Path) -> None:
    fake = tmp_path / "python3.9"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    result = _make("prerequisites", f"PYTHON={fake}")
    assert result.returncode != 0
    assert "Scrutiny Hub needs Python 3.11 or newer" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_missing_npm_is_one_sentence(tmp_path: Path) -> None:
    # A PATH with python3 and make but no npm.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(Path(sys.executable).resolve())
    for tool in ("make", "sh"):
        found = shutil.which(tool)
        assert found
        (bin_dir / tool).symlink_to(found)
    env = {**os.environ, "PATH": str(bin_dir)}
    result = subprocess.run(
        [str(bin_dir / "make"), "--no-print-directory", "-s", "prerequisites"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "Scrutiny Hub needs Node.js with npm" in result.stdout
