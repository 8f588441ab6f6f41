import re

import pytest
from django.test import Client

from agencies.models import Notification
from agencies.views.notifications import PAGE_SIZE
from tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_notification_list_shows_only_my_notifications(isva_client: Client, isva, other_agency_isva) -> None:
    NotificationFactory(recipient=isva, title="Mine")
    NotificationFactory(recipient=other_agency_isva, title="Someone else's")
    body = isva_client.get("/account/notifications/").content.decode()
    assert "Mine" in body
    assert "Someone else" not in body
    assert "You have <span data-unread-count>1</span> unread notification." in body


def test_mark_all_read_is_post_only_and_only_touches_mine(
    isva_client: Client, isva, other_agency_isva
) -> None:
    NotificationFactory(recipient=isva)
    theirs = NotificationFactory(recipient=other_agency_isva)
    assert isva_client.get("/account/notifications/read/").status_code == 405
    response = isva_client.post("/account/notifications/read/", follow=True)
    assert "1 notification marked as read." in response.content.decode()
    assert not Notification.objects.filter(recipient=isva, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_notification_list_query_count_does_not_grow(
    isva_client: Client, isva, django_assert_num_queries
) -> None:
    """Warm: the user row, the list's count and its page (the same at 3 and 1,000). The session,
    the permission sets and the unread badge come from the cache (agencies.sessions,
    agencies.auth_backends, agencies.selectors), the agency name from the shared fragments; new
    notifications renew the badge's entry, so each size is warmed first."""
    NotificationFactory.create_batch(3, recipient=isva)
    isva_client.get("/account/notifications/")
    with django_assert_num_queries(3):
        isva_client.get("/account/notifications/")
    Notification.objects.bulk_create(Notification(recipient=isva, title=f"Bulk {i}") for i in range(1000))
    isva_client.get("/account/notifications/")
    with django_assert_num_queries(3):
        isva_client.get("/account/notifications/")


def _titles(client: Client, **params) -> tuple[int, list[str]]:
    response = client.get("/account/notifications/", params)
    return response.status_code, re.findall(r"Note (\d+)", response.content.decode())


def test_notifications_page_two_shows_the_next_ones(isva_client: Client, isva) -> None:
    Notification.objects.bulk_create(
        Notification(recipient=isva, title=f"Note {i:03d}") for i in range(PAGE_SIZE + 4)
    )
    newest_first = [
        t.removeprefix("Note ")
        for t in Notification.objects.filter(recipient=isva)
        .order_by("-created_at", "-pk")
        .values_list("title", flat=True)
    ]
    assert _titles(isva_client) == (200, newest_first[:PAGE_SIZE])
    assert _titles(isva_client, page=2) == (200, newest_first[PAGE_SIZE:])
    body = isva_client.get("/account/notifications/").content.decode()
    assert "Page 1 of 2" in body and "?page=2" in body
    # Unread counts every unread notification, not only this page's.
    assert f"<span data-unread-count>{PAGE_SIZE + 4}</span>" in body


@pytest.mark.parametrize("value", ["0", "-1", "abc", "", "1.5", str(10**30), "999"])
def test_hostile_notification_pages_answer_a_page(isva_client: Client, isva, value) -> None:
    Notification.objects.bulk_create(
        Notification(recipient=isva, title=f"Note {i:03d}") for i in range(PAGE_SIZE + 1)
    )
    first, last = _titles(isva_client)[1], _titles(isva_client, page=2)[1]
    status, titles = _titles(isva_client, page=value)
    assert status == 200 and titles in (first, last)


def test_another_persons_notifications_never_count(isva_client: Client, isva, other_agency_isva) -> None:
    NotificationFactory(recipient=isva, title="Note 001")
    Notification.objects.bulk_create(
        Notification(recipient=other_agency_isva, title=f"Note {i:03d}") for i in range(PAGE_SIZE * 3)
    )
    for page in (1, 2, 3):
        status, titles = _titles(isva_client, page=page)
        assert status == 200 and titles == ["001"]
    assert "govuk-pagination" not in isva_client.get("/account/notifications/").content.decode()
