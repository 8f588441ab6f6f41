"""Account security events are tamper-evident and reach the data protection officer (issue 13,
point d), from the intruder's side: someone who guessed at an account's password wants the failed
sign-ins and the lockout gone. Before, they lived only in Wagtail's log (no chain, no guard, no
place in the officer's audit); now each is also a row of the hash-chained, append-only access
audit, which the database refuses to change and `verify_audit` checks."""

from __future__ import annotations

import csv
import io
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from wagtail.models import ModelLogEntry

from agencies import audit as security_audit
from agencies import services as agency_services
from agencies.roles import Role
from scrutiny import audit
from scrutiny.audit.security import chain_security_event
from scrutiny.models import AccessEvent, AccessVerb
from tests.conftest import signed_in_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dpo(roles, national_agency):
    return UserFactory(
        email="dpo@test-gov.example.org", agency=national_agency, roles=[Role.DATA_PROTECTION_OFFICER]
    )


@pytest.fixture
def attacked(isva):
    """Three wrong passwords and a lockout against one account, and one for no account."""
    for _ in range(3):
        agency_services.sign_in_failed_record(email=isva.email)
    agency_services.lockout_record(email=isva.email)
    agency_services.sign_in_failed_record(email="nobody@nowhere.example.org")
    return isva


def _security_rows():
    return AccessEvent.objects.filter(verb=AccessVerb.SECURITY).order_by("pk")


def _verify() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


def test_the_sink_is_registered_and_agencies_stays_independent() -> None:
    assert chain_security_event in security_audit.sinks()


def test_each_security_event_is_a_chained_row(attacked) -> None:
    rows = list(_security_rows())
    assert [r.object_type for r in rows] == [
        "agencies.sign_in_failed",
        "agencies.sign_in_failed",
        "agencies.sign_in_failed",
        "agencies.locked_out",
        "agencies.sign_in_failed_unknown",
    ]
    assert {r.object_id for r in rows[:4]} == {attacked.pk}
    assert {r.audience for r in rows[:4]} == {"security:user"}
    assert all(r.row_hash == audit.digest(vars(r), r.prev_hash) for r in rows)
    # Ids and kinds only: not the address, not its hash.
    assert not any("nowhere" in f"{r.object_type}{r.audience}" for r in rows)
    # Wagtail's entry is written too, in the same transaction.
    assert ModelLogEntry.objects.filter(action="agencies.sign_in_failed").count() == 3
    code, output = _verify()
    assert code == 0, output


def test_a_raw_delete_or_update_of_a_failed_sign_in_is_refused(attacked) -> None:
    first = _security_rows().first()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM scrutiny_accessevent WHERE verb = 'security'")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE scrutiny_accessevent SET object_type = 'agencies.sign_in' WHERE id = %s", [first.pk]
        )
    assert _security_rows().count() == 5


def _behind_the_guards(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        for name, (table, _body) in audit.PG_TRIGGERS.items():
            if connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        cursor.execute(sql, params)
    audit.ensure_guards(connection)


def test_verify_audit_finds_a_failed_sign_in_rewritten_behind_the_guards(attacked) -> None:
    target = _security_rows()[1]
    _behind_the_guards(
        "UPDATE scrutiny_accessevent SET object_type = 'agencies.sign_in' WHERE id = %s", [target.pk]
    )
    code, output = _verify()
    assert code == 1
    assert f"access event {target.pk}" in output.lower()
    assert "content was changed" in output


def test_verify_audit_finds_a_lockout_deleted_behind_the_guards(attacked) -> None:
    rows = list(_security_rows())
    _behind_the_guards("DELETE FROM scrutiny_accessevent WHERE id = %s", [rows[3].pk])
    code, output = _verify()
    assert code == 1
    assert "does not follow the previous row" in output


def test_the_officer_sees_them_even_when_the_wagtail_log_was_emptied(attacked, dpo) -> None:
    ModelLogEntry.objects.filter(action__startswith="agencies.").delete()
    client = signed_in_client(dpo)
    page = client.get(reverse("scrutiny:audit-log"), {"actor": attacked.email})
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count("Failed sign-in (wrong password)") == 3
    assert "Locked out after repeated failed sign-ins" in text
    by_verb = client.get(reverse("scrutiny:audit-log"), {"verb": "security"}).context["events"]
    assert {e["verb"] for e in by_verb} == {"security"}
    assert len(by_verb) == 5


def test_the_officers_export_lists_them(attacked, dpo) -> None:
    exported = signed_in_client(dpo).get(reverse("scrutiny:audit-log-export"), {"verb": "security"})
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    header, body = rows[1], rows[2:]
    described = [r[header.index("description")] for r in body]
    assert described.count("Failed sign-in (wrong password)") == 3
    assert "Failed sign-in for an address with no account" in described
    assert {r[header.index("object_id")] for r in body if r[header.index("audience")] == "security:user"} == {
        str(attacked.pk)
    }


def test_a_role_change_names_who_acted(isva, platform_admin) -> None:
    security_audit.record(
        instance=isva, action=security_audit.Action.MFA_RESET, actor=platform_admin, agency_id=isva.agency_id
    )
    row = _security_rows().last()
    assert (row.object_type, row.object_id, row.actor_id) == (
        "agencies.mfa_reset",
        isva.pk,
        platform_admin.pk,
    )
