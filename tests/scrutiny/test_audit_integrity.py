"""The access audit cannot be quietly erased (issue 13 point 6): guards on both databases, a hash
chain that `verify_audit` checks, and pruning past retention that keeps the chain verifiable.

Each tampering test goes behind the application's back the way an intruder with database access
would (raw SQL; as the owner, dropping a guard first) and shows the tampering is refused or found."""

from __future__ import annotations

import datetime as dt
import threading
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.test import override_settings
from django.utils import timezone

from scrutiny import audit, services
from scrutiny.models import AccessChannel, AccessEvent, AccessVerb, AuditCheckpoint


def _record(n: int = 1, *, at: dt.datetime | None = None) -> list[AccessEvent]:
    events = []
    for i in range(n):
        event = services.access_record(
            actor=None,
            verb=AccessVerb.VIEW,
            object_type="case",
            object_id=i + 1,
            audience="panel",
            channel=AccessChannel.PAGE,
            panel_id=7,
        )
        events.append(event)
    if at is not None:  # backdate (as the owner, behind the guards), then re-chain honestly
        _as_owner_rewrite(lambda cursor: cursor.execute("UPDATE scrutiny_accessevent SET at = %s", [at]))
        _rechain()
        events = list(AccessEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("pk"))
    return events


def _as_owner_rewrite(change) -> None:
    """Run `change(cursor)` with the guards dropped, then put them back (what only the owner can)."""
    with transaction.atomic(), connection.cursor() as cursor:
        _drop_guards(cursor)
        change(cursor)
    audit.ensure_guards(connection)


def _drop_guards(cursor) -> None:
    for name, (table, _body) in audit.PG_TRIGGERS.items():
        if connection.vendor == "sqlite":
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        else:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")


def _rechain() -> None:
    """Recompute every hash honestly (a test helper for backdated rows)."""

    def change(cursor) -> None:
        previous = audit.GENESIS
        cursor.execute("UPDATE scrutiny_accessevent SET prev_hash = 'x' || id")
        for row in AccessEvent.objects.order_by("pk").values("id", *audit.CONTENT_FIELDS):
            row_hash = audit.digest(row, previous)
            cursor.execute(
                "UPDATE scrutiny_accessevent SET prev_hash = %s, row_hash = %s WHERE id = %s",
                [previous, row_hash, row["id"]],
            )
            previous = row_hash

    _as_owner_rewrite(change)


def _verify(*args: str) -> tuple[int, str]:
    """verify_audit's exit code (a CommandError exits 1 from manage.py) and its output."""
    out = StringIO()
    try:
        call_command("verify_audit", *args, stdout=out, stderr=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


# Append-only on every database --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_raw_delete_of_the_audit_is_refused_by_the_database() -> None:
    """Reproduction: on SQLite (the default) `DELETE FROM scrutiny_accessevent` removed every row."""
    _record(3)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM scrutiny_accessevent")
    assert AccessEvent.objects.count() == 3


@pytest.mark.django_db
def test_a_raw_update_of_the_audit_is_refused_by_the_database() -> None:
    (event,) = _record(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE scrutiny_accessevent SET verb = 'edit' WHERE id = %s", [event.pk])


@pytest.mark.django_db
def test_checkpoints_cannot_be_forged_changed_or_deleted_to_open_the_delete_guard() -> None:
    _record(2)
    result = audit.prune_audit(before=timezone.now() - dt.timedelta(days=audit.retention_days()))
    assert result.count == 0
    for statement in (
        "UPDATE scrutiny_auditcheckpoint SET through_id = 1000",
        "DELETE FROM scrutiny_auditcheckpoint",
    ):
        AuditCheckpoint.objects.create(
            before=timezone.now() - dt.timedelta(days=3000),
            retention_days=2920,
            through_id=AuditCheckpoint.objects.count() + 10_000,
            through_hash="f" * 64,
            first_prev_hash=audit.GENESIS,
            pruned=0,
        )
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)


@pytest.mark.django_db
def test_a_forged_checkpoint_that_opens_the_delete_guard_is_found_by_verify_audit() -> None:
    """On SQLite anyone with the file can write a checkpoint (PostgreSQL refuses the runtime role:
    test_database_roles.py). The forgery and the deletion it allows still show."""
    events = _record(3)
    AuditCheckpoint.objects.create(
        created_at=timezone.now(),
        before=timezone.now(),
        retention_days=2920,
        through_id=events[-1].pk,
        through_hash=events[-1].row_hash,
        first_prev_hash=audit.GENESIS,
        pruned=3,
    )
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM scrutiny_accessevent")
    code, output = _verify()
    assert code == 1
    assert "younger than its retention period" in output


# The hash chain -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_row_is_chained_to_the_one_before() -> None:
    events = _record(4)
    assert events[0].prev_hash == audit.GENESIS
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.row_hash
    assert len({e.row_hash for e in events}) == 4
    code, output = _verify()
    assert code == 0, output
    assert f"head {events[-1].pk} {events[-1].row_hash}" in output


@pytest.mark.django_db
def test_verify_audit_finds_a_row_edited_behind_the_triggers_back() -> None:
    events = _record(5)
    target = events[2]
    _as_owner_rewrite(
        lambda cursor: cursor.execute(
            "UPDATE scrutiny_accessevent SET actor_id = NULL, verb = 'edit' WHERE id = %s", [target.pk]
        )
    )
    code, output = _verify()
    assert code == 1
    assert f"access event {target.pk}" in output.lower()
    assert "content was changed" in output


@pytest.mark.django_db
def test_verify_audit_finds_a_row_deleted_behind_the_triggers_back() -> None:
    events = _record(5)
    target = events[1]
    _as_owner_rewrite(
        lambda cursor: cursor.execute("DELETE FROM scrutiny_accessevent WHERE id = %s", [target.pk])
    )
    code, output = _verify()
    assert code == 1
    assert f"access event {events[2].pk}" in output.lower()
    assert "does not follow the previous row" in output


@pytest.mark.django_db
def test_verify_audit_finds_the_newest_rows_or_the_first_rows_removed() -> None:
    """Deleting the first row breaks the chain at the second; every row gone shows as a missing head
    only against an anchor recorded elsewhere (verify_audit --anchor)."""
    events = _record(3)
    _as_owner_rewrite(
        lambda cursor: cursor.execute("DELETE FROM scrutiny_accessevent WHERE id = %s", [events[0].pk])
    )
    code, output = _verify()
    assert code == 1 and f"access event {events[1].pk}" in output.lower()


@pytest.mark.django_db
def test_verify_audit_against_an_anchor_finds_a_truncated_tail() -> None:
    events = _record(3)
    anchor = f"{events[-1].pk}:{events[-1].row_hash}"
    code, output = _verify("--anchor", anchor)
    assert code == 0, output
    _as_owner_rewrite(
        lambda cursor: cursor.execute("DELETE FROM scrutiny_accessevent WHERE id = %s", [events[-1].pk])
    )
    assert _verify()[0] == 0  # the remaining chain is intact: only the anchor can tell
    code, output = _verify("--anchor", anchor)
    assert code == 1
    assert "anchor" in output


@pytest.mark.django_db
def test_verify_audit_reports_a_dropped_guard() -> None:
    _record(1)
    with connection.cursor() as cursor:
        _drop_guards(cursor)
    code, output = _verify()
    audit.ensure_guards(connection)
    assert code == 1
    assert "guards missing" in output


@pytest.mark.django_db
def test_bulk_create_still_chains_every_row() -> None:
    _record(1)
    AccessEvent.objects.bulk_create(
        [
            AccessEvent(verb=AccessVerb.VIEW, object_type="panel", audience="x", channel="api")
            for _ in range(3)
        ]
    )
    assert _verify()[0] == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_unbroken_chain() -> None:
    """Threads appending at once (each its own connection): every row links to the one before."""
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(10):
                _record(1)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AccessEvent.objects.count() == 40
    assert audit.verify_chain().ok


# Retention ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pruning_refuses_a_cut_off_inside_the_retention_period() -> None:
    _record(2)
    with pytest.raises(ValueError, match="kept for"):
        audit.prune_audit(before=timezone.now())
    assert AccessEvent.objects.count() == 2


@override_settings(RETENTION_DAYS={**settings.RETENTION_DAYS, "audit_log": 400})
@pytest.mark.django_db
def test_pruning_deletes_only_rows_past_retention_and_keeps_the_chain_verifiable() -> None:
    old = _record(3, at=timezone.now() - dt.timedelta(days=500))
    young = _record(2)
    dry = audit.prune_audit(dry_run=True)
    assert (dry.count, dry.first_id, dry.through_id) == (3, old[0].pk, old[-1].pk)
    assert AccessEvent.objects.count() == 5 and not AuditCheckpoint.objects.exists()

    done = audit.prune_audit()
    assert done.count == 3
    remaining = set(AccessEvent.objects.values_list("pk", flat=True))
    assert {e.pk for e in young} <= remaining and not remaining & {e.pk for e in old}
    checkpoint = AuditCheckpoint.objects.get()
    assert (checkpoint.through_id, checkpoint.through_hash) == (old[-1].pk, old[-1].row_hash)
    # The pruning itself is an access event, at the head of the chain.
    assert AccessEvent.objects.filter(verb=AccessVerb.DELETE, object_type="access_events").exists()
    code, output = _verify()
    assert code == 0, output
    # The rows past retention are gone; the young ones still cannot be deleted.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM scrutiny_accessevent WHERE id = %s", [young[0].pk])


@override_settings(RETENTION_DAYS={**settings.RETENTION_DAYS, "audit_log": 400})
@pytest.mark.django_db
def test_pruning_refuses_to_launder_a_broken_chain() -> None:
    old = _record(3, at=timezone.now() - dt.timedelta(days=500))
    _as_owner_rewrite(
        lambda cursor: cursor.execute(
            "UPDATE scrutiny_accessevent SET verb = 'edit' WHERE id = %s", [old[1].pk]
        )
    )
    with pytest.raises(audit.AuditChainBroken):
        audit.prune_audit()
    assert AccessEvent.objects.count() == 3 and not AuditCheckpoint.objects.exists()


@override_settings(RETENTION_DAYS={**settings.RETENTION_DAYS, "audit_log": 400})
@pytest.mark.django_db
def test_prune_audit_command_dry_run_and_run() -> None:
    _record(2, at=timezone.now() - dt.timedelta(days=500))
    out = StringIO()
    call_command("prune_audit", "--dry-run", stdout=out)
    assert "would delete 2" in out.getvalue()
    assert AccessEvent.objects.count() == 2
    out = StringIO()
    call_command("prune_audit", stdout=out)
    assert "deleted 2" in out.getvalue()
    assert AccessEvent.objects.filter(verb=AccessVerb.VIEW).count() == 0
    with pytest.raises(CommandError, match="kept for"):
        call_command("prune_audit", "--before", timezone.now().date().isoformat())


@override_settings(RETENTION_DAYS={**settings.RETENTION_DAYS, "audit_log": 400})
@pytest.mark.django_db
def test_prune_audit_command_stops_before_the_events_of_a_held_case(area, coordinator) -> None:
    """Run on its own (not through apply_retention), the command keeps the same bound: nothing
    from the oldest event about a case on legal hold onwards."""
    from tests.factories.scrutiny import CaseFactory, PanelFactory

    case = CaseFactory(panel=PanelFactory(area=area))
    long_ago = timezone.now() - dt.timedelta(days=500)
    first = AccessEvent.objects.create(at=long_ago, verb=AccessVerb.VIEW, audience="t", channel="page")
    about_case = AccessEvent.objects.create(
        at=long_ago + dt.timedelta(days=1),
        verb=AccessVerb.VIEW,
        audience="t",
        channel="page",
        object_type="case",
        object_id=case.pk,
    )
    services.legal_hold_set(actor=coordinator, target=case, reason="Inquiry")
    out = StringIO()
    call_command("prune_audit", stdout=out)
    assert "deleted 1" in out.getvalue()
    assert not AccessEvent.objects.filter(pk=first.pk).exists()
    assert AccessEvent.objects.filter(pk=about_case.pk).exists()
    assert audit.verify_chain().ok
