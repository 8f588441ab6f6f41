"""The drop-in listing's cheaper rendering (issue 8): the date text made in Python matches the
template's date format, the shared empty filter form follows the area list at once and is never
used for a filtered listing, and seat counts stay live."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import timezone

from agencies.dropins import services
from agencies.dropins.models import Topic
from agencies.dropins.views import session_when
from tests.conftest import signed_in_client
from tests.factories import AreaFactory
from tests.factories.dropins import DropInSessionFactory

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")


@pytest.mark.parametrize(
    "starts_at",
    [
        datetime(2026, 12, 5, 10, 0, tzinfo=UTC),  # GMT
        datetime(2026, 7, 1, 23, 30, tzinfo=UTC),  # BST: the next day in London
        datetime(2027, 3, 28, 0, 59, tzinfo=UTC),  # the hour before the clocks go forward
    ],
)
def test_the_session_time_text_is_what_the_date_filter_printed(schedule, starts_at) -> None:
    session = DropInSessionFactory.build(
        schedule=schedule, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=45)
    )
    template = engines["django"].from_string(
        '{{ s.starts_at|date:"D j M Y, H:i" }}–{{ s.ends_at|date:"H:i" }}'
    )
    assert session_when(session) == template.render({"s": session})


def test_the_shared_filter_form_follows_the_area_list_at_once(isva, session) -> None:
    client = signed_in_client(isva)
    url = reverse("dropins:session-list")
    assert "Harbourvale test area" not in client.get(url).content.decode()  # fragment stored
    new_area = AreaFactory(name="Harbourvale test area", code="harbourvale-test")
    body = client.get(url).content.decode()
    assert f'<option value="{new_area.pk}">Harbourvale test area</option>' in body


def test_a_filtered_listing_renders_its_own_form(isva, area, session) -> None:
    client = signed_in_client(isva)
    url = reverse("dropins:session-list")
    client.get(url)  # the shared empty form is stored
    body = client.get(f"{url}?area={area.pk}&mode=").content.decode()
    assert f'<option value="{area.pk}" selected>' in body
    bad = client.get(f"{url}?from_date=not-a-date")
    assert bad.status_code == 200 and "govuk-error-message" in bad.content.decode()


def test_seat_counts_on_the_listing_stay_live(isva, make_isva, session) -> None:
    client = signed_in_client(isva)
    url = reverse("dropins:session-list")
    seats = f'<span data-seats-for="{session.pk}"><span data-remaining>'
    assert seats + "2</span>" in client.get(url).content.decode()
    (other,) = make_isva(1)
    services.booking_create(actor=other, session_id=session.pk, topic=Topic.PROCESS)
    body = client.get(url).content.decode()
    assert seats + "1</span>" in body
    assert session.starts_at > timezone.now()
