"""The one place that reads the process environment.

Every setting that varies between machines comes through here, so that a missing or malformed value
fails at start-up with a sentence that names the variable, never deep inside a request.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ImproperlyConfiguredEnv(RuntimeError):
    """Raised when an environment variable is missing or cannot be read."""


@dataclass(frozen=True)
class Env:
    values: Mapping[str, str]

    def str(self, name: str, default: str | None = None) -> str:
        value = self.values.get(name)
        if value is None or value == "":
            if default is None:
                raise ImproperlyConfiguredEnv(f"Set the environment variable {name}.")
            return default
        return value

    def optional(self, name: str) -> str | None:
        value = self.values.get(name, "").strip()
        return value or None

    def bool(self, name: str, default: bool = False) -> bool:
        raw = self.values.get(name)
        if raw is None:
            return default
        lowered = raw.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ImproperlyConfiguredEnv(f"{name} must be true or false, not {raw!r}.")

    def int(self, name: str, default: int) -> int:
        raw = self.values.get(name)
        if raw is None or raw.strip() == "":
            return default
        try:
            return int(raw)
        except ValueError as exc:
            raise ImproperlyConfiguredEnv(f"{name} must be a whole number, not {raw!r}.") from exc

    def list(self, name: str, default: list[str] | None = None) -> list[str]:
        raw = self.values.get(name)
        if raw is None or raw.strip() == "":
            if default is None:
                raise ImproperlyConfiguredEnv(f"Set the environment variable {name} (comma-separated).")
            return list(default)
        return [item.strip() for item in raw.split(",") if item.strip()]


env = Env(os.environ)
