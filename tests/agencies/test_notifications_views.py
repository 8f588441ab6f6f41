import pytest
from django.test import Client

from agencies.models import Notification
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
    """Warm: the user row and the list itself. The session, the permission sets and the unread
    badge come from the cache (agencies.sessions, agencies.auth_backends, agencies.selectors), the
    agency name from the shared fragments; new notifications renew the badge's entry, so each size
    is warmed first."""
    NotificationFactory.create_batch(3, recipient=isva)
    isva_client.get("/account/notifications/")
    with django_assert_num_queries(2):
        isva_client.get("/account/notifications/")
    NotificationFactory.create_batch(40, recipient=isva)
    isva_client.get("/account/notifications/")
    with django_assert_num_queries(2):
        isva_client.get("/account/notifications/")
