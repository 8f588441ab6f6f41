"""Evaluation exports (background task, progress, suppression, privacy) and email digests."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from agencies.dropins.models import BookingStatus
from scrutiny.governance import services
from scrutiny.governance.models import DigestPreference, ExportJob, ExportStatus
from scrutiny.governance.tasks import build_export
from tests.conftest import signed_in_client
from tests.factories import NotificationFactory
from tests.factories.dropins import BookingFactory, DropInScheduleFactory, DropInSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def some_sessions(cps_agency):
    schedule = DropInScheduleFactory(host_agency=cps_agency)
    sessions = [DropInSessionFactory(schedule=schedule) for _ in range(6)]
    BookingFactory(session=sessions[0], status=BookingStatus.CONFIRMED)
    return sessions


def _export(client, url: str, fmt: str, callbacks) -> ExportJob:
    with callbacks(execute=True):
        response = client.post(url, {"format": fmt})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("governance:export-detail", args=[job.pk])
    return job


def test_csv_export_is_aggregate_suppressed_and_per_area(
    governance_member, area, other_area, some_sessions, django_capture_on_commit_callbacks
) -> None:
    client = signed_in_client(governance_member)
    job = _export(client, reverse("governance:national-export"), "csv", django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == ExportStatus.READY and job.progress == 100
    detail = client.get(reverse("governance:export-detail", args=[job.pk])).content.decode()
    assert "Download" in detail and 'http-equiv="refresh"' not in detail
    response = client.get(reverse("governance:export-download", args=[job.pk]))
    assert response["Content-Disposition"].startswith('attachment; filename="governance-national-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Scope", "Section", "Measure", "Breakdown", "Value"]
    by_key = {(r[0], r[2], r[3]): r[4] for r in rows[1:]}
    assert by_key[("England and Wales", "Drop-in sessions offered", "")] == "6"
    assert by_key[("England and Wales", "Seats taken", "")] == "suppressed"
    assert by_key[(area.name, "Drop-in sessions offered", "")] == "6"
    assert by_key[(other_area.name, "Drop-in sessions offered", "")] == "0"
    assert job.row_count == len(rows) - 1


def test_xlsx_export_opens_with_the_same_figures(
    area_governance_member, area, some_sessions, django_capture_on_commit_callbacks
) -> None:
    client = signed_in_client(area_governance_member)
    job = _export(
        client, reverse("governance:area-export", args=[area.pk]), "xlsx", django_capture_on_commit_callbacks
    )
    response = client.get(reverse("governance:export-download", args=[job.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = {(r[0], r[2]): r[4] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert values[(area.name, "Drop-in sessions offered")] == 6
    assert values[(area.name, "Seats taken")] == "suppressed"


def test_pending_export_shows_progress_and_a_check_progress_button(governance_member) -> None:
    job = ExportJob.objects.create(
        requested_by=governance_member,
        format="csv",
        status=ExportStatus.RUNNING,
        progress=40,
        blocks_done=2,
        blocks_total=5,
        row_count=61,
    )
    url = reverse("governance:export-detail", args=[job.pk])
    html = signed_in_client(governance_member).get(url).content.decode()
    assert "2 of 5 dashboards read" in html
    assert 'max="5" value="2"' in html
    # No meta refresh (WCAG 2.2.1): a "Check progress" button reloads the page; JS polls it.
    assert 'http-equiv="refresh"' not in html
    assert f'href="{url}">Check progress</a>' in html and "js/governance-export.js" in html
    assert 'data-pending="true"' in html
    assert (
        signed_in_client(governance_member)
        .get(reverse("governance:export-download", args=[job.pk]))
        .status_code
        == 404
    )


def test_exports_are_private_to_whoever_asked(governance_member, editor, platform_admin) -> None:
    job = ExportJob.objects.create(
        requested_by=governance_member, format="csv", status=ExportStatus.READY, content=b"x"
    )
    for other in (editor, platform_admin):
        client = signed_in_client(other)
        assert client.get(reverse("governance:export-detail", args=[job.pk])).status_code == 404
        assert client.get(reverse("governance:export-download", args=[job.pk])).status_code == 404


def test_export_form_errors_use_the_error_summary(governance_member) -> None:
    response = signed_in_client(governance_member).post(
        reverse("governance:national-export"), {"format": "pdf"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error: " in html and "govuk-error-summary" in html and 'href="#id_format_0"' in html
    assert not ExportJob.objects.exists()


def test_refused_exports(isva, area_governance_member, other_area) -> None:
    assert (
        signed_in_client(isva).post(reverse("governance:national-export"), {"format": "csv"}).status_code
        == 403
    )
    client = signed_in_client(area_governance_member)
    assert client.post(reverse("governance:national-export"), {"format": "csv"}).status_code == 403
    assert (
        client.post(reverse("governance:area-export", args=[other_area.pk]), {"format": "csv"}).status_code
        == 403
    )
    assert not ExportJob.objects.exists()


def test_the_task_rechecks_access_before_building(governance_member) -> None:
    job = ExportJob.objects.create(requested_by=governance_member, format="csv")
    governance_member.groups.clear()
    build_export.call(job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and job.content == b""


def test_digest_preference_form(isva) -> None:
    client = signed_in_client(isva)
    assert client.get(reverse("governance:digest")).status_code == 200
    response = client.post(reverse("governance:digest"), {"frequency": "sometimes"})
    assert response.status_code == 400 and 'href="#id_frequency_0"' in response.content.decode()
    assert client.post(reverse("governance:digest"), {"frequency": "daily"}).status_code == 302
    assert DigestPreference.objects.get(user=isva).frequency == "daily"


def test_digests_send_unread_titles_once_and_respect_the_choice(
    isva, other_agency_isva, django_capture_on_commit_callbacks
) -> None:
    services.digest_preference_set(actor=isva, frequency="daily")
    services.digest_preference_set(actor=other_agency_isva, frequency="never")
    NotificationFactory(recipient=isva, title="New finding in your area")
    NotificationFactory(recipient=isva, title="Already read", read_at=timezone.now())
    NotificationFactory(recipient=other_agency_isva, title="Not opted in")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_notification_digests")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [isva.email]
    assert "New finding in your area" in mail.outbox[0].body and "Already read" not in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_notification_digests")
    assert len(mail.outbox) == 1  # not again the same day


def test_weekly_digests_go_on_mondays(isva, django_capture_on_commit_callbacks) -> None:
    services.digest_preference_set(actor=isva, frequency="weekly")
    NotificationFactory(recipient=isva, title="Action overdue")
    sunday = dt.datetime(2026, 11, 29, 9, 0, tzinfo=dt.UTC)
    monday = sunday + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notification_digests_send(now=sunday) == 0
        assert services.notification_digests_send(now=monday) == 1
    assert len(mail.outbox) == 1
