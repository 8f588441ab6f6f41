"""Shared fixtures: role-named users, service markers, and the live-stack harness (real daphne,
Chromium through Playwright, axe-core, a websockets client) used by every app's tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.mfa import TOTP_DEVICE_NAME, confirmed_totp_device, needs_mfa
from agencies.models import Agency, AgencyKind, User
from agencies.roles import Role
from agencies.services import roles_sync
from content.services import site_root_ensure
from tests.factories import AgencyFactory, AreaFactory, UserFactory

# Service markers ----------------------------------------------------------------------------------
# postgres/redis tests need the service to be the one this run is configured with (DATABASE_URL /
# REDIS_URL). Without it they skip with a reason; with CI_REQUIRE_SERVICES=1 that skip is a failure.
# browser tests likewise with CI_REQUIRE_BROWSER=1.


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes"}


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


def _missing_or_fail(reason: str, flag: str) -> None:
    if _flag(flag):
        pytest.fail(f"{reason} ({flag}=1 makes this a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def redis_reachable() -> bool:
    url = os.environ.get("REDIS_URL")
    if not url:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def moto_server_installed() -> bool:
    """moto's S3 server (the test extra's moto[server]) for the media storage tests."""
    try:
        import moto.server  # noqa: F401
    except ImportError:
        return False
    return True


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres") and settings.DATABASES["default"]["ENGINE"] != (
        "django.db.backends.postgresql"
    ):
        _missing_or_fail("needs PostgreSQL: set DATABASE_URL=postgres://...", "CI_REQUIRE_SERVICES")
    if item.get_closest_marker("redis") and not redis_reachable():
        _missing_or_fail("needs a reachable Redis: set REDIS_URL=redis://...", "CI_REQUIRE_SERVICES")
    if item.get_closest_marker("s3") and not moto_server_installed():
        _missing_or_fail(
            "needs moto[server] for a loopback S3 API (pip install -c constraints.txt '.[test]')",
            "CI_REQUIRE_SERVICES",
        )
    if item.get_closest_marker("fuzz") and not _flag("RUN_FUZZ"):
        pytest.skip("API fuzzing runs with RUN_FUZZ=1 (CI's PostgreSQL pass runs it)")
    if item.get_closest_marker("browser") and chromium_path() is None:
        _missing_or_fail("needs Chromium (apt-get install chromium)", "CI_REQUIRE_BROWSER")
    # Before a database test's fixtures (outside its transaction and its query counts): put the
    # migration-made data back if anything before it removed it. The teardown hook below does this
    # after each transactional test; this also covers what that misses (a PostgreSQL run once lost
    # the root collection before tests/content/test_publication_checks.py on one xdist worker).
    if item.get_closest_marker("django_db") is not None and hasattr(connection, "_scrutiny_migration_data"):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _restore_migration_data()


# The audit guards and the test flush -------------------------------------------------------------
# A transactional test ends with Django's flush. On PostgreSQL that is TRUNCATE by the owner, which
# the row triggers do not see; on SQLite it is DELETE FROM every table, which the audit's guard
# triggers refuse (as they should for anyone else). The harness flushes as the owner: the guards
# come off and go back on in the flush's own transaction (scrutiny.audit.sqlite_flush_wrap).
#
# The flush keeps content types and permissions. Migrations make them and no test changes them;
# flushed, post_migrate makes them again under new ids, while the live daphne process (one per
# run) keeps the old ids in ContentType's in-process cache. Its Wagtail search then filtered on a
# content type that no longer existed: after any transactional test the partner's search in
# tests/content/test_browser.py found nothing (issue 14, point 9). Kept, the ids never move.

KEPT_BY_FLUSH = frozenset({"django_content_type", "auth_permission"})


def _harness_flush() -> None:
    operations = type(connection.ops)
    original = operations.sql_flush
    if getattr(original, "_harness_flush", False):
        return
    sqlite = connection.vendor == "sqlite"

    def sql_flush(self, style, tables, **kwargs):
        statements = original(self, style, [t for t in tables if t not in KEPT_BY_FLUSH], **kwargs)
        if sqlite and statements:
            from scrutiny.audit import sqlite_flush_wrap

            return sqlite_flush_wrap(statements)
        return statements

    sql_flush._harness_flush = True  # type: ignore[attr-defined]
    operations.sql_flush = sql_flush  # type: ignore[method-assign]


# Migration-made data after transactional tests ------------------------------------------------------
# A transactional test (the live daphne and browser tests) ends by flushing every table but the
# ones above, which also removes what migrations created (Wagtail's root page, root collection,
# locale, default groups and workflow). pytest-django runs those tests last in a plain run; under
# pytest-xdist or in random order an ordinary test may run after one, so that data is snapshotted
# once after the test database is created and put back after each flush (natural keys for the
# content types and permissions the flush kept).

_KEPT_MODELS = {"contenttypes.contenttype", "auth.permission"}


def _snapshot_migration_data() -> str:
    from django.apps import apps
    from django.core import serializers

    objects = []
    # Referenced models first, so every natural foreign key resolves as the snapshot is loaded.
    app_list = [(config, None) for config in apps.get_app_configs()]
    for model in serializers.sort_dependencies(app_list, allow_cycles=True):
        if model._meta.proxy or model._meta.label_lower in _KEPT_MODELS:
            continue
        objects.extend(model._base_manager.order_by("pk"))
    return serializers.serialize("json", objects, use_natural_foreign_keys=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker) -> None:
    _harness_flush()
    from wagtail.models import Collection

    with django_db_blocker.unblock():
        if not Collection.objects.exists():
            # A kept database (--reuse-db) that a run stopped mid-flush left empty.
            pytest.exit("The reused test database lacks its migration data: run once with --create-db.", 2)
        connection._scrutiny_migration_data = _snapshot_migration_data()  # type: ignore[attr-defined]


def _restore_migration_data() -> None:
    from django.core import serializers
    from django.db import transaction
    from wagtail.models import Collection

    data = getattr(connection, "_scrutiny_migration_data", None)
    if data is None or Collection.objects.exists():
        return  # no snapshot, or nothing was flushed
    with transaction.atomic():
        deferred, models = [], set()
        for restored in serializers.deserialize("json", data, handle_forward_references=True):
            restored.save()
            models.add(type(restored.object))
            if restored.deferred_fields:
                deferred.append(restored)
        for restored in deferred:
            restored.save_deferred_fields()
        # As loaddata does: sequences past the restored primary keys.
        from django.core.management.color import no_style

        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), list(models)):
                cursor.execute(statement)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    yield
    marker = item.get_closest_marker("django_db")
    kwargs = marker.kwargs if marker else {}
    fixtures = set(getattr(item, "fixturenames", ()))
    transactional = bool(kwargs.get("transaction") or kwargs.get("reset_sequences")) or bool(
        {"transactional_db", "live_server", "django_db_reset_sequences"} & fixtures
    )
    # After the last test the database is gone, unless the run keeps it (--reuse-db): then the
    # next run must find it as migrations left it, or its snapshot would miss that data.
    kept = item.config.getvalue("reuse_db") or nextitem is not None
    if transactional and kept:
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _restore_migration_data()


# Data fixtures ------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _fresh_channel_layer(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test gets a new channel layer instance. A Redis layer keeps connections and locks
    bound to the event loop that first used it; reusing it from the next test's loop can hang
    that loop's shutdown. In-process consumer tests (asyncio, WebsocketCommunicator) use the
    in-memory layer: Redis is proven end to end against real daphne processes, and by the tests
    marked `redis`."""
    from channels.layers import channel_layers

    override = None
    if request.node.get_closest_marker("asyncio") and not request.node.get_closest_marker("redis"):
        from django.test import override_settings

        override = override_settings(
            CHANNEL_LAYERS={"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
        )
        override.enable()
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()
    if override is not None:
        override.disable()


@pytest.fixture
def roles(db: None) -> None:
    site_root_ensure()
    roles_sync()


@pytest.fixture
def home_page(db: None):
    return site_root_ensure()


@pytest.fixture
def area(db: None):
    return AreaFactory(name="CPS Test North", code="test-north")


@pytest.fixture
def other_area(db: None):
    return AreaFactory(name="CPS Test South", code="test-south")


@pytest.fixture
def cps_agency(area) -> Agency:
    return AgencyFactory(name="Test RASSO Unit", kind=AgencyKind.CPS_AREA, area=area)


@pytest.fixture
def isva_agency(area) -> Agency:
    return AgencyFactory(name="Test ISVA Service", kind=AgencyKind.ISVA_SERVICE, area=area)


@pytest.fixture
def other_isva_agency(other_area) -> Agency:
    return AgencyFactory(name="Other ISVA Service", kind=AgencyKind.ISVA_SERVICE, area=other_area)


@pytest.fixture
def national_agency(db: None) -> Agency:
    return AgencyFactory(name="Test Governance Board", kind=AgencyKind.NATIONAL, area=None)


def _user(role: Role, agency: Agency, email: str) -> User:
    return UserFactory(email=email, agency=agency, roles=[role])


@pytest.fixture
def isva(roles, isva_agency) -> User:
    return _user(Role.ISVA, isva_agency, "isva@test-isva.example.org")


@pytest.fixture
def other_agency_isva(roles, other_isva_agency) -> User:
    return _user(Role.ISVA, other_isva_agency, "isva@other-isva.example.org")


@pytest.fixture
def host(roles, cps_agency) -> User:
    return _user(Role.DROPIN_HOST, cps_agency, "host@test-cps.example.org")


@pytest.fixture
def coordinator(roles, cps_agency) -> User:
    return _user(Role.CASE_COORDINATOR, cps_agency, "coordinator@test-cps.example.org")


@pytest.fixture
def panel_member(roles, cps_agency) -> User:
    return _user(Role.PANEL_MEMBER, cps_agency, "panel@test-cps.example.org")


@pytest.fixture
def governance_member(roles, national_agency) -> User:
    return _user(Role.GOVERNANCE_MEMBER, national_agency, "governance@test-gov.example.org")


@pytest.fixture
def editor(roles, national_agency) -> User:
    return _user(Role.CONTENT_EDITOR, national_agency, "editor@test-gov.example.org")


@pytest.fixture
def platform_admin(roles, national_agency) -> User:
    return _user(Role.PLATFORM_ADMIN, national_agency, "admin@test-gov.example.org")


@pytest.fixture
def evaluator(roles, national_agency) -> User:
    return _user(Role.EVALUATOR, national_agency, "evaluator@test-gov.example.org")


def signed_in_client(user: User) -> Client:
    """A Django test client signed in as `user`. Every test signs people in through this (or
    tests.live.sign_in / session_cookie_for), so stronger sign-in rules (MFA) apply in one place."""
    client = Client()
    client.force_login(user)
    if needs_mfa(user):
        # MFA roles: give the account an authenticator (if it has none) and mark the session as
        # having passed the second step, exactly as the MFA check page does.
        device = confirmed_totp_device(user) or TOTPDevice.objects.create(
            user=user, name=TOTP_DEVICE_NAME, confirmed=True
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_for(db: None):
    return signed_in_client


@pytest.fixture
def isva_client(isva: User) -> Client:
    return signed_in_client(isva)


@pytest.fixture
def agency_admin(roles, isva_agency) -> User:
    """An agency administrator of the ISVA fixture's agency (manages that agency's accounts only)."""
    return _user(Role.AGENCY_ADMIN, isva_agency, "admin@test-isva.example.org")


def layer_receive(channel: str, *, timeout: float = 15) -> dict:
    """The next message on a channel of this process's channel layer; a lost event fails the test
    within `timeout` seconds instead of hanging the run."""
    import asyncio

    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    async def receive() -> dict:
        return await asyncio.wait_for(get_channel_layer().receive(channel), timeout=timeout)

    return async_to_sync(receive)()


def database_url_for_subprocess() -> str:
    """A DATABASE_URL that points another process at this run's test database."""
    settings_dict = connection.settings_dict
    if "test" not in str(settings_dict["NAME"]):
        # pytest-django only creates test databases when some collected test asks for one.
        pytest.fail(
            "No test database is set up: a live-server test module needs a django_db test in the run."
        )
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or ""
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"


pytest_plugins = ["tests.live"]
