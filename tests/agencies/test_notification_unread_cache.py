"""The unread-notification count from the cache (agencies.selectors.notification_unread_count):
no count query on a warm page, and every path that creates, reads, marks or deletes a
notification shows at the next request (navigation badge, API, live badge)."""

from __future__ import annotations

import re

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies import selectors, services
from agencies.models import Notification, User
from agencies.realtime.consumers import NotificationConsumer
from tests.conftest import signed_in_client
from tests.factories import NotificationFactory

PAGE = "/account/notifications/"
API = "/api/v1/account/notifications"


def _badge(client: Client) -> int:
    """The unread count in the service navigation's badge."""
    body = client.get(PAGE).content.decode()
    return int(re.search(r"data-nav-unread-count>(\d+)<", body).group(1))


def _count_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(PAGE).status_code == 200
    return sum(
        1
        for q in captured.captured_queries
        # the unread count (the page's own paginator also counts all of the person's notifications)
        if 'COUNT(*) AS "__count" FROM "agencies_notification"' in q["sql"]
        and '"read_at" IS NULL' in q["sql"]
    )


@pytest.mark.django_db
def test_a_warm_page_asks_no_count_query(isva: User) -> None:
    NotificationFactory.create_batch(2, recipient=isva)
    client = signed_in_client(isva)
    assert _badge(client) == 2
    assert _count_queries(client) == 0


@pytest.mark.django_db
def test_every_write_path_shows_at_the_next_request(isva: User) -> None:
    client = signed_in_client(isva)
    assert _badge(client) == 0
    services.notification_send(recipient=isva, title="Seat confirmed")  # create
    assert _badge(client) == 1
    first = NotificationFactory(recipient=isva)  # created outside the service (admin, shell)
    second = NotificationFactory(recipient=isva)
    assert _badge(client) == 3
    first.read_at = timezone.now()  # one marked read
    first.save()
    assert _badge(client) == 2
    second.delete()  # one deleted
    assert _badge(client) == 1
    NotificationFactory.create_batch(2, recipient=isva)
    assert _badge(client) == 3
    Notification.objects.filter(recipient=isva, title__startswith="Test").delete()  # a retention sweep
    assert _badge(client) == 1
    assert client.post("/account/notifications/read/").status_code == 302  # mark all read
    assert _badge(client) == 0


@pytest.mark.django_db
def test_the_api_uses_the_same_count(isva: User) -> None:
    client = signed_in_client(isva)
    assert client.get(API).json()["unread"] == 0
    NotificationFactory(recipient=isva)
    assert client.get(API).json()["unread"] == 1
    assert _badge(client) == 1
    assert client.post(API + "/read", content_type="application/json").json() == {"marked_read": 1}
    assert client.get(API).json()["unread"] == 0


@pytest.mark.django_db
def test_a_count_is_never_shown_to_someone_else(isva: User, other_agency_isva: User) -> None:
    NotificationFactory.create_batch(3, recipient=isva)
    mine, theirs = signed_in_client(isva), signed_in_client(other_agency_isva)
    for _ in range(2):
        assert _badge(mine) == 3
        assert _badge(theirs) == 0
    services.notification_mark_all_read(actor=other_agency_isva)  # nothing of theirs: no effect
    assert _badge(mine) == 3


@pytest.mark.django_db
def test_a_rolled_back_notification_leaves_no_count_behind(isva: User) -> None:
    client = signed_in_client(isva)
    assert _badge(client) == 0
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notification_send(recipient=isva, title="Never sent")
        assert selectors.notification_unread_count(viewer=isva) == 1  # inside: not stored
        raise RuntimeError("rolled back")
    assert _badge(client) == 0


@pytest.mark.django_db
def test_an_evicted_token_does_not_bring_back_an_old_count(isva: User) -> None:
    client = signed_in_client(isva)
    assert _badge(client) == 0
    cache.delete(selectors.UNREAD_GENERATION_KEY.format(user_id=isva.pk))
    NotificationFactory.build(recipient=isva).save_base(raw=True)  # no signal: only the token loss
    assert _badge(client) == 1


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_the_live_badge_follows_mark_all_read(isva: User) -> None:
    await database_sync_to_async(NotificationFactory.create_batch)(2, recipient=isva)
    communicator = WebsocketCommunicator(NotificationConsumer.as_asgi(), "/ws/notifications/")
    communicator.scope["user"] = isva
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from())["unread"] == 2  # now cached
    await database_sync_to_async(services.notification_mark_all_read)(actor=isva)
    event = await communicator.receive_json_from(timeout=5)
    assert event["kind"] == "notifications.read" and event["unread"] == 0
    await communicator.disconnect()
