"""What every bench shares about the stack it measures: the settings it runs with, against production.

`print_differences(env)` prints how the settings the bench's servers load (bench/bench_settings.py
by default) differ from config.settings.production, computed by importing both modules in fresh
interpreters with the same environment and comparing every setting, nested dictionaries key by key.
Nothing here is a hand-kept list: a change to either module shows up in the next bench's output.

    .venv/bin/python -m bench.stack          # the differences under the current environment
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = "config.settings.production"
BENCH = "bench.bench_settings"
# What production needs from a deployment's environment, stood in for when its module is imported
# for the comparison (the values a real deployment has are its own, never printed).
DEPLOYMENT_PLACEHOLDERS = {
    "SECRET_KEY": "<from the deployment's environment: 50 or more random characters>",
    "ALLOWED_HOSTS": "<the deployment's host names>",
}
HIDDEN = {"SECRET_KEY", "SECRET_KEY_FALLBACKS"}
_CREDENTIALS = re.compile(r"(://[^:/@\s'\"]*):[^@/\s'\"]+@")
# Read by the benches' settings, not settings themselves: never part of the comparison's environment.
BENCH_ONLY_ENVIRONMENT = ("DJANGO_SETTINGS_MODULE",)


def flatten(values: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Every setting as name -> repr, dictionaries opened up key by key (DATABASES['default'][...]),
    so a difference names the one value that differs."""
    out: dict[str, str] = {}
    for key, value in values.items():
        name = f"{prefix}[{key!r}]" if prefix else str(key)
        if isinstance(value, Mapping) and value:
            out.update(flatten(value, name))
        else:
            out[name] = repr(value)
    return out


def shown(name: str, value: str | None) -> str:
    if value is None:
        return "(not set)"
    if name.split("[", 1)[0] in HIDDEN or name.endswith("['PASSWORD']"):
        return "(hidden)"
    return _CREDENTIALS.sub(r"\1:***@", value)


def differences(production: Mapping[str, str], bench: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(name, production value, bench value) for every flattened setting that differs or exists on
    one side only, in name order; values ready to print (secrets hidden, credentials masked)."""
    names = sorted(set(production) | set(bench))
    return [
        (name, shown(name, production.get(name)), shown(name, bench.get(name)))
        for name in names
        if production.get(name) != bench.get(name)
    ]


def _dump(module: str) -> None:
    """(In a fresh interpreter.) Print the module's settings, flattened, as one JSON line."""
    import importlib

    loaded = importlib.import_module(module)
    settings = {
        name: getattr(loaded, name) for name in dir(loaded) if name.isupper() and not name.startswith("_")
    }
    print("BENCH-SETTINGS " + json.dumps(flatten(settings)))


def snapshot(module: str, env: Mapping[str, str]) -> dict[str, str]:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import bench.stack as s; s._dump({module!r})"],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    line = next((x for x in result.stdout.splitlines() if x.startswith("BENCH-SETTINGS ")), None)
    if result.returncode != 0 or line is None:
        raise RuntimeError(f"importing {module} failed:\n{result.stderr[-3000:]}")
    return json.loads(line.removeprefix("BENCH-SETTINGS "))


def settings_differences(
    env: Mapping[str, str] | None = None, *, module: str = BENCH
) -> list[tuple[str, str, str]]:
    """How `module` differs from production for servers started with `env` (default: this
    process's environment). Both modules see the same environment; production gets stand-ins for
    the values only a deployment supplies (DEPLOYMENT_PLACEHOLDERS)."""
    base = {k: v for k, v in (os.environ if env is None else env).items() if k not in BENCH_ONLY_ENVIRONMENT}
    production = snapshot(PRODUCTION, {**base, **DEPLOYMENT_PLACEHOLDERS})
    bench = snapshot(module, base)
    return differences(production, bench)


def format_differences(rows: list[tuple[str, str, str]], *, module: str = BENCH) -> str:
    lines = [f"settings: {module} is {PRODUCTION} except (compared setting by setting):"]
    if not rows:
        lines.append("  (no differences)")
    width = max((len(name) for name, _, _ in rows), default=0)
    for name, production, bench in rows:
        lines.append(f"  {name:{width}}  production {production}  ->  bench {bench}")
    return "\n".join(lines)


def print_differences(
    env: Mapping[str, str] | None = None, *, module: str = BENCH, file: IO[str] | None = None
) -> list[tuple[str, str, str]]:
    """Print (and return) the differences between the bench's settings and production's."""
    rows = settings_differences(env, module=module)
    print(format_differences(rows, module=module), file=file or sys.stdout, flush=True)
    return rows


if __name__ == "__main__":
    print_differences()
