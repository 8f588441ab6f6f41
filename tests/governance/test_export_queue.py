"""Evaluation exports on the database task queue (django-tasks-db), as the scale-out stack runs
them: the request only queues the export; `db_worker` builds it and the page follows its progress."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from agencies.dropins.models import BookingStatus
from agencies.models import Area
from agencies.roles import Role
from scrutiny.governance.models import ExportJob, ExportStatus
from tests.conftest import signed_in_client
from tests.factories import UserFactory
from tests.factories.dropins import BookingFactory, DropInScheduleFactory, DropInSessionFactory

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def some_sessions(cps_agency):
    schedule = DropInScheduleFactory(host_agency=cps_agency)
    sessions = [DropInSessionFactory(schedule=schedule) for _ in range(7)]
    BookingFactory(session=sessions[0], status=BookingStatus.CONFIRMED)
    BookingFactory(session=sessions[1], status=BookingStatus.CONFIRMED)
    return sessions


@pytest.fixture
def run_worker(monkeypatch):
    """The worker the stack runs, in-process: takes every ready task, then stops. Its
    close_old_connections() (a long-running process's health check) would close the test's
    connection, which is inside the test transaction, so it is a no-op here, as Django's test
    client does for request_finished."""
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)

    def run() -> None:
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)

    return run


@override_settings(TASKS=DATABASE_QUEUE)
def test_queued_export_runs_on_the_worker_and_only_its_requester_can_download_it(
    governance_member,
    national_agency,
    area,
    other_area,
    some_sessions,
    django_capture_on_commit_callbacks,
    run_worker,
) -> None:
    client = signed_in_client(governance_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("governance:national-export"), {"format": "csv"})
    job = ExportJob.objects.get()
    detail_url = reverse("governance:export-detail", args=[job.pk])
    assert response.status_code == 302 and response["Location"] == detail_url

    # The request only queued it: nothing is built until the worker runs.
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    job.refresh_from_db()
    assert job.status == ExportStatus.QUEUED and job.content == b""
    html = client.get(detail_url).content.decode()
    assert "Your export is queued" in html and "Check progress" in html and "Download" not in html
    assert client.get(reverse("governance:export-download", args=[job.pk])).status_code == 404

    run_worker()

    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    job.refresh_from_db()
    assert job.status == ExportStatus.READY
    areas = Area.objects.count()
    assert (job.blocks_done, job.blocks_total) == (1 + areas, 1 + areas)  # national, then each area
    html = client.get(detail_url).content.decode()
    assert "Your export is ready" in html and "Check progress" not in html and 'data-pending="false"' in html

    download = client.get(reverse("governance:export-download", args=[job.pk]))
    assert download.status_code == 200 and download["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == ["Scope", "Section", "Measure", "Breakdown", "Value"]
    assert len(rows) - 1 == job.row_count
    values = {(r[0], r[2], r[3]): r[4] for r in rows[1:]}
    assert values[("England and Wales", "Drop-in sessions offered", "")] == "7"
    assert values[(area.name, "Seats taken", "")] == "suppressed"  # 2 bookings: suppressed
    # Aggregate only: every value is a count of 5 or more, zero, a rate (0-1), or suppressed.
    for row in rows[1:]:
        value = row[4]
        assert value == "suppressed" or float(value) >= 5 or 0 <= float(value) <= 1, row
    assert governance_member.email not in download.content.decode()

    # Another governance member who may see the national dashboard still gets a 404.
    colleague = UserFactory(
        email="colleague@national.example.org", agency=national_agency, roles=[Role.GOVERNANCE_MEMBER]
    )
    other = signed_in_client(colleague)
    assert other.get(detail_url).status_code == 404
    assert other.get(reverse("governance:export-download", args=[job.pk])).status_code == 404


@override_settings(TASKS=DATABASE_QUEUE)
def test_a_failing_export_says_so_instead_of_staying_pending(
    governance_member, area, django_capture_on_commit_callbacks, monkeypatch, run_worker
) -> None:
    client = signed_in_client(governance_member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("governance:area-export", args=[area.pk]), {"format": "xlsx"})

    def broken(rows):
        raise RuntimeError("disk full")

    monkeypatch.setattr("scrutiny.governance.exports.to_xlsx", broken)
    run_worker()
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.FAILED and job.content == b""
    assert DBTaskResult.objects.get().status == "FAILED"
    html = client.get(reverse("governance:export-detail", args=[job.pk])).content.decode()
    assert "could not be prepared" in html and 'data-pending="false"' in html


def test_the_scheduler_runs_every_periodic_job_and_survives_a_failing_one(db, monkeypatch) -> None:
    """platform/launch.py's scheduler (governance_worker) runs each periodic command; one failing
    job is logged and does not stop the others."""
    from scrutiny.governance.management.commands import governance_worker

    ran: list[str] = []

    def fake_call_command(name, **kwargs):
        ran.append(name)
        if name == "send_dropin_reminders":
            raise RuntimeError("mail server down")

    monkeypatch.setattr(governance_worker, "call_command", fake_call_command)
    err = io.StringIO()
    call_command("governance_worker", "--once", stderr=err)
    assert ran == [
        "flag_overdue_actions",
        "send_notification_digests",
        "send_dropin_reminders",
        "publish_scheduled",
        "apply_retention",
    ]
    assert "Failed: send_dropin_reminders" in err.getvalue()


def test_every_periodic_job_is_a_real_command(db, monkeypatch) -> None:
    from django.core.management import get_commands

    from scrutiny.governance.management.commands import governance_worker
    from scrutiny.governance.management.commands.governance_worker import FREQUENT_JOBS, SLOW_JOBS

    # Its connection health check would close the test's connection (inside the test transaction).
    monkeypatch.setattr(governance_worker, "close_old_connections", lambda: None)

    assert set(FREQUENT_JOBS + SLOW_JOBS) <= set(get_commands())
    err = io.StringIO()
    call_command("governance_worker", "--once", stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == ""
