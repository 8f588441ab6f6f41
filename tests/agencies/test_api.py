import pytest
from django.test import Client

from tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_openapi_schema_is_published(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Scrutiny Hub API"
    assert "/api/v1/account/notifications" in schema["paths"]


def test_api_answers_anonymous_calls_with_json_401_not_a_redirect(client: Client) -> None:
    response = client.get("/api/v1/account/notifications")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")


def test_my_notifications_are_mine_only(isva_client: Client, isva, other_agency_isva) -> None:
    NotificationFactory(recipient=isva, title="Mine")
    NotificationFactory(recipient=other_agency_isva, title="Theirs")
    body = isva_client.get("/api/v1/account/notifications").json()
    assert body["unread"] == 1
    assert [item["title"] for item in body["items"]] == ["Mine"]


def test_writes_need_the_csrf_token(isva) -> None:
    NotificationFactory(recipient=isva)
    client = Client(enforce_csrf_checks=True)
    client.force_login(isva)
    assert client.post("/api/v1/account/notifications/read").status_code == 403
    client.get("/account/notifications/")
    token = client.cookies["csrftoken"].value
    response = client.post("/api/v1/account/notifications/read", headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert response.json() == {"marked_read": 1}
