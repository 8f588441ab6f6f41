"""Generation tokens for per-person cache entries that must never outlive what they depend on.

An entry is stored together with the token that was current when its data was read, and is used
only while that token is still current. Writers retire the token (`new_generation`) once when
they change the data and again when their transaction commits, and a reader takes the token
before it reads the database, so an entry read before a commit can only ever carry a token
nobody uses any more. Tokens are random, not counters: a token lost from the cache (eviction,
restart) is replaced by a new one that no stored entry carries.

Readers do not store anything while the connection is inside a transaction opened by the
application (`in_application_transaction`): data read there may include writes that are later
rolled back, and a rollback renews nothing. (The outer atomic blocks of Django's TestCase, which
pytest-django uses, are not the application's and do not count.)

The cache must be shared by every process that serves requests (Redis in the scale-out stack,
which platform/launch.py refuses to start without); the single-process default may use local
memory.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction


def _new_token() -> str:
    return uuid.uuid4().hex


def token_from(found: dict[str, Any], key: str) -> str:
    """The current token of `key`, from a get_many result that asked for it (made if missing)."""
    token = found.get(key)
    if token is None:
        token = _new_token()
        # add, not set: two first readers must not each think their token is the current one.
        if not cache.add(key, token, None):
            token = cache.get(key) or token
    return str(token)


def new_generation(keys: Iterable[str]) -> None:
    """Retire the current tokens of `keys`: now, and again when the transaction commits."""
    names = list(keys)
    if not names:
        return

    def renew() -> None:
        cache.set_many({name: _new_token() for name in names}, None)

    renew()
    transaction.on_commit(renew)


def in_application_transaction(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the connection is inside an atomic block the application opened (not one of the
    blocks Django's TestCase wraps each test in)."""
    connection = connections[using]
    if not connection.in_atomic_block:
        return False
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)
