"""The one place that reads the process environment.

Every setting that varies between machines comes through here, so that a missing or malformed value
fails at start-up with a sentence that names the variable, never deep inside a request.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

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


def _redis_db(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    raw = query["db"][0] if "db" in query else (parts.path.strip("/") if parts.scheme != "unix" else "")
    try:
        db = int(raw or 0)
    except ValueError:
        raise ImproperlyConfiguredEnv(f"The Redis database in {parts.scheme}://… must be a number.") from None
    server = parts.path if parts.scheme == "unix" else f"{parts.hostname}:{parts.port or 6379}"
    return server, db


def cache_redis_url(redis_url: str) -> str:
    """The cache's default Redis: the channel layer's server (REDIS_URL), the next database number
    (redis://host:6379/0 -> redis://host:6379/1; unix:///run/redis.sock?db=2 -> ?db=3)."""
    _, db = _redis_db(redis_url)
    parts = urlsplit(redis_url)
    query = parse_qs(parts.query)
    if "db" in query or parts.scheme == "unix":
        query["db"] = [str(db + 1)]
        return f"{parts.scheme}://{parts.netloc}{parts.path}?{urlencode(query, doseq=True)}"
    return urlunsplit(parts._replace(path=f"/{db + 1}"))


def same_redis_database(first: str, second: str) -> bool:
    """Whether two Redis URLs name one database (server and number)."""
    return _redis_db(first) == _redis_db(second)
