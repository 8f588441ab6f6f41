"""Pre-trial meeting services: the request, its hostile input (nothing half-written), the state
machine, the access audit and the requester's emails."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from agencies.errors import Conflict, NotFound, ServiceError
from agencies.victims.meetings import services
from agencies.victims.meetings.models import MeetingOutcome, MeetingRequest, MeetingSlot, MeetingStatus
from scrutiny.models import AccessEvent
from tests.victims.meetings_helpers import future, make_request

pytestmark = pytest.mark.django_db


def _rows() -> tuple[int, int, int]:
    return MeetingRequest.objects.count(), MeetingSlot.objects.count(), AccessEvent.objects.count()


# Making a request ------------------------------------------------------------------------------------


def test_an_isva_requests_a_meeting_and_is_emailed(isva, area, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        request = make_request(isva, area, urn="62/lv/12345/23", notes="Needs a Polish interpreter")
    request.refresh_from_db()
    assert request.urn == "62LV1234523"
    assert request.urn_display == "62 LV 12345 23"
    assert request.status == MeetingStatus.REQUESTED
    assert (request.requester, request.agency_id, request.area) == (isva, isva.agency_id, area)
    assert request.requester_kind == "isva"
    assert request.need_interpreter and request.need_screens
    assert not request.need_step_free and not request.need_separate_waiting
    assert request.slots.count() == 2
    event = AccessEvent.objects.get(object_type="pretrial_request", object_id=request.pk)
    assert (event.verb, event.audience, event.actor_id, event.channel) == (
        "edit",
        "pretrial_requester",
        isva.pk,
        "page",
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [isva.email]
    assert request.reference in mail.outbox[0].body
    assert "12345" not in mail.outbox[0].body and "Polish" not in mail.outbox[0].body


def test_the_police_officer_in_the_case_may_request(police_officer, area) -> None:
    request = make_request(police_officer, area)
    assert request.requester_kind == "police"


@pytest.mark.parametrize("who", ["vlo", "area_lead", "host", "coordinator", "agency_admin", "platform_admin"])
def test_nobody_else_may_request(request, who, area) -> None:
    actor = request.getfixturevalue(who)
    before = _rows()
    with pytest.raises(NotFound):
        make_request(actor, area)
    assert _rows() == before


@pytest.mark.parametrize(
    "urn",
    [
        "62 LV 12345 23",
        "62/LV/12345/23",
        "62-lv-12345-23",
        "62.LV.12345.23",
        "62LV1234523",
        "URN 62 LV 12345 23",
    ],
)
def test_urn_formats_accepted(isva, area, urn) -> None:
    assert make_request(isva, area, urn=urn).urn == "62LV1234523"


@pytest.mark.parametrize(
    "urn",
    [
        "",
        "   ",
        "62LV123452",  # ten characters
        "62LV12345234",  # twelve
        "6LV12345234",
        "00LV1234523",  # no force 00
        "62//LV/12345/23",
        "62 L! 12345 23",
        "AB LV 12345 23",
        "62 LV 1234X 23",
        "٦٢LV1234523",  # Arabic-Indic digits
        "62LV1234523\x00",
        "62 LV 12345 23 " + "9" * 40,
        "Jane Smith",
    ],
)
def test_bad_urns_are_refused_and_nothing_is_written(isva, area, urn) -> None:
    before = _rows()
    with pytest.raises(ServiceError) as caught:
        make_request(isva, area, urn=urn)
    assert caught.value.field == "urn"
    assert "62 LV 12345 23" in caught.value.message_text
    assert _rows() == before


@pytest.mark.parametrize(
    ("slots", "message"),
    [
        ((), "at least one"),
        ((timezone.now() - timedelta(days=1),), "in the future"),
        ((timezone.now() + timedelta(minutes=10),), "in the future"),
        ((timezone.now() + timedelta(days=400),), "within the next year"),
        ((future(5), future(5)), "once"),
        ((future(5), future(6), future(7), future(8)), "at most 3"),
    ],
    ids=["none", "past", "too-soon", "too-far", "duplicate", "four"],
)
def test_bad_slots_are_refused_and_nothing_is_written(isva, area, slots, message) -> None:
    before = _rows()
    with pytest.raises(ServiceError) as caught:
        make_request(isva, area, slots=slots)
    assert caught.value.field == "slots"
    assert message in caught.value.message_text
    assert _rows() == before


@pytest.mark.parametrize(
    "notes",
    [
        "Call her on 07700 900 123",
        "her mobile is zero seven seven zero zero nine zero zero one two three",
        "0 7 7 0 0 9 0 0 1 2 3",
        "0\uff17700 900 123 ring",  # a full-width digit
        "DOB 03.04.1990",
        "She lives at 12 Acacia Avenue",
        "email jane dot smith at gmail dot com",
        "S\u0430rah Okonkwo needs an interpreter",  # a Cyrillic a
        "URN 62/LV/12345/23 again",
        "x" * 1001,
        "bad\x00byte",
    ],
)
def test_identifiers_in_free_text_are_refused_and_nothing_is_written(isva, area, notes) -> None:
    before = _rows()
    with pytest.raises(ServiceError) as caught:
        make_request(isva, area, notes=notes)
    assert caught.value.field == "notes"
    assert _rows() == before


def test_plain_needs_text_is_kept(isva, area) -> None:
    request = make_request(isva, area, notes="Prefers mornings; uses a wheelchair.")
    assert request.notes == "Prefers mornings; uses a wheelchair."


def test_unknown_area_and_unknown_needs_are_refused(isva, area) -> None:
    before = _rows()
    with pytest.raises(ServiceError) as caught:
        make_request(isva, area, area_id=2**62)
    assert caught.value.field == "area"
    with pytest.raises(ServiceError) as caught:
        make_request(isva, area, needs=frozenset({"need_home_address"}))
    assert caught.value.field == "needs"
    assert _rows() == before


def test_the_model_has_no_field_for_the_victim() -> None:
    names = {field.name for field in MeetingRequest._meta.get_fields()}
    for forbidden in ("name", "victim", "address", "date_of_birth", "dob", "phone", "email", "contact"):
        assert not any(forbidden in name for name in names), names


# The state machine -----------------------------------------------------------------------------------


def _first_slot(request: MeetingRequest) -> MeetingSlot:
    return request.slots.order_by("starts_at")[0]


def test_the_vlo_team_confirms_a_slot(vlo, meeting_request, django_capture_on_commit_callbacks) -> None:
    slot = _first_slot(meeting_request)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_slot_confirm(actor=vlo, request_id=meeting_request.pk, slot_id=slot.pk)
    meeting_request.refresh_from_db()
    assert (meeting_request.status, meeting_request.confirmed_slot_id) == (MeetingStatus.CONFIRMED, slot.pk)
    assert mail.outbox[-1].subject == "A pre-trial meeting time is confirmed"
    assert mail.outbox[-1].to == [meeting_request.requester.email]
    event = AccessEvent.objects.filter(object_id=meeting_request.pk, actor=vlo).get()
    assert (event.verb, event.audience) == ("edit", "pretrial_vlo_team")
    with pytest.raises(Conflict) as caught:
        services.meeting_slot_confirm(actor=vlo, request_id=meeting_request.pk, slot_id=slot.pk)
    assert "already confirmed" in caught.value.message_text


@pytest.mark.parametrize(
    "who", ["other_area_vlo", "other_area_lead", "isva", "isva_colleague", "agency_admin"]
)
def test_only_the_areas_team_acts(request, who, meeting_request) -> None:
    actor = request.getfixturevalue(who)
    slot = _first_slot(meeting_request)
    before = _rows()
    for call in (
        lambda: services.meeting_slot_confirm(actor=actor, request_id=meeting_request.pk, slot_id=slot.pk),
        lambda: services.meeting_slot_propose(
            actor=actor, request_id=meeting_request.pk, starts_at=future(9)
        ),
        lambda: services.meeting_not_needed(actor=actor, request_id=meeting_request.pk, reason="Concluded"),
        lambda: services.meeting_outcome_record(
            actor=actor, request_id=meeting_request.pk, outcome="not_offered", reason="Concluded"
        ),
    ):
        with pytest.raises(NotFound):
            call()
    meeting_request.refresh_from_db()
    assert meeting_request.status == MeetingStatus.REQUESTED
    assert _rows() == before


def test_unknown_request_ids_are_not_found(vlo) -> None:
    with pytest.raises(NotFound):
        services.meeting_slot_confirm(actor=vlo, request_id=987654, slot_id=1)


def test_a_slot_of_another_request_is_refused(vlo, isva, area, meeting_request) -> None:
    other = make_request(isva, area, urn="62 LV 54321 23")
    with pytest.raises(ServiceError) as caught:
        services.meeting_slot_confirm(actor=vlo, request_id=meeting_request.pk, slot_id=_first_slot(other).pk)
    assert caught.value.field == "slot"
    meeting_request.refresh_from_db()
    assert meeting_request.status == MeetingStatus.REQUESTED


def test_a_passed_slot_cannot_be_confirmed(vlo, meeting_request) -> None:
    slot = _first_slot(meeting_request)
    MeetingSlot.objects.filter(pk=slot.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(ServiceError, match="passed"):
        services.meeting_slot_confirm(actor=vlo, request_id=meeting_request.pk, slot_id=slot.pk)


def test_propose_then_the_requester_accepts(
    vlo, isva, meeting_request, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        proposed = services.meeting_slot_propose(
            actor=vlo, request_id=meeting_request.pk, starts_at=future(12)
        )
    meeting_request.refresh_from_db()
    assert meeting_request.status == MeetingStatus.PROPOSED
    assert "proposed another time" in mail.outbox[-1].subject
    with pytest.raises(ServiceError) as caught:
        services.meeting_slot_propose(actor=vlo, request_id=meeting_request.pk, starts_at=timezone.now())
    assert caught.value.field == "starts_at"
    with pytest.raises(NotFound):
        services.meeting_proposal_accept(actor=vlo, request_id=meeting_request.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_proposal_accept(actor=isva, request_id=meeting_request.pk)
    meeting_request.refresh_from_db()
    assert (meeting_request.status, meeting_request.confirmed_slot_id) == (
        MeetingStatus.CONFIRMED,
        proposed.pk,
    )
    with pytest.raises(Conflict):
        services.meeting_proposal_accept(actor=isva, request_id=meeting_request.pk)


def test_not_needed_needs_a_clean_reason_and_ends_the_request(vlo, meeting_request) -> None:
    for reason in ("", "Jane Smith withdrew"):
        with pytest.raises(ServiceError) as caught:
            services.meeting_not_needed(actor=vlo, request_id=meeting_request.pk, reason=reason)
        assert caught.value.field == "reason"
    services.meeting_not_needed(
        actor=vlo, request_id=meeting_request.pk, reason="The case concluded before trial."
    )
    meeting_request.refresh_from_db()
    assert meeting_request.status == MeetingStatus.NOT_NEEDED and meeting_request.closed_at is not None
    with pytest.raises(Conflict):
        services.meeting_slot_confirm(
            actor=vlo, request_id=meeting_request.pk, slot_id=_first_slot(meeting_request).pk
        )


def _confirm(vlo, request: MeetingRequest) -> MeetingSlot:
    slot = _first_slot(request)
    services.meeting_slot_confirm(actor=vlo, request_id=request.pk, slot_id=slot.pk)
    return slot


def test_held_only_after_the_meeting_time(vlo, meeting_request, django_capture_on_commit_callbacks) -> None:
    slot = _confirm(vlo, meeting_request)
    with pytest.raises(ServiceError, match="not happened yet"):
        services.meeting_outcome_record(actor=vlo, request_id=meeting_request.pk, outcome="held")
    MeetingSlot.objects.filter(pk=slot.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_outcome_record(actor=vlo, request_id=meeting_request.pk, outcome="held")
    meeting_request.refresh_from_db()
    assert (meeting_request.status, meeting_request.outcome) == (MeetingStatus.CLOSED, MeetingOutcome.HELD)
    assert meeting_request.closed_at is not None
    assert "outcome" in mail.outbox[-1].subject
    with pytest.raises(Conflict):
        services.meeting_outcome_record(actor=vlo, request_id=meeting_request.pk, outcome="declined")


def test_declined_by_the_victim(vlo, meeting_request) -> None:
    slot = _confirm(vlo, meeting_request)
    MeetingSlot.objects.filter(pk=slot.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    services.meeting_outcome_record(actor=vlo, request_id=meeting_request.pk, outcome="declined")
    meeting_request.refresh_from_db()
    assert meeting_request.outcome == MeetingOutcome.DECLINED


def test_rescheduled_moves_the_confirmed_time(vlo, meeting_request) -> None:
    old = _confirm(vlo, meeting_request)
    with pytest.raises(ServiceError) as caught:
        services.meeting_outcome_record(actor=vlo, request_id=meeting_request.pk, outcome="rescheduled")
    assert caught.value.field == "new_starts_at"
    with pytest.raises(ServiceError):
        services.meeting_outcome_record(
            actor=vlo, request_id=meeting_request.pk, outcome="rescheduled", new_starts_at=old.starts_at
        )
    services.meeting_outcome_record(
        actor=vlo, request_id=meeting_request.pk, outcome="rescheduled", new_starts_at=future(20)
    )
    meeting_request.refresh_from_db()
    assert meeting_request.status == MeetingStatus.CONFIRMED
    assert meeting_request.confirmed_slot_id != old.pk
    assert meeting_request.outcome == MeetingOutcome.RESCHEDULED and meeting_request.closed_at is None


def test_not_offered_needs_a_reason_and_works_before_confirmation(vlo, meeting_request) -> None:
    with pytest.raises(ServiceError) as caught:
        services.meeting_outcome_record(actor=vlo, request_id=meeting_request.pk, outcome="not_offered")
    assert caught.value.field == "reason"
    services.meeting_outcome_record(
        actor=vlo, request_id=meeting_request.pk, outcome="not_offered", reason="Guilty plea entered."
    )
    meeting_request.refresh_from_db()
    assert (meeting_request.status, meeting_request.outcome) == (
        MeetingStatus.CLOSED,
        MeetingOutcome.NOT_OFFERED,
    )


@pytest.mark.parametrize("outcome", ["", "held ", "HELD", "deleted", "x" * 100])
def test_unknown_outcomes_are_refused(vlo, meeting_request, outcome) -> None:
    _confirm(vlo, meeting_request)
    with pytest.raises(ServiceError) as caught:
        services.meeting_outcome_record(actor=vlo, request_id=meeting_request.pk, outcome=outcome)
    assert caught.value.field == "outcome"


def test_held_and_declined_need_a_confirmed_time(vlo, meeting_request) -> None:
    with pytest.raises(Conflict):
        services.meeting_outcome_record(actor=vlo, request_id=meeting_request.pk, outcome="held")


def test_the_area_lead_is_part_of_the_team(area_lead, meeting_request) -> None:
    services.meeting_slot_confirm(
        actor=area_lead, request_id=meeting_request.pk, slot_id=_first_slot(meeting_request).pk
    )


def test_the_access_rows_join_the_verified_hash_chain(isva, vlo, meeting_request) -> None:
    from scrutiny.audit.verify import verify_chain

    services.meeting_slot_confirm(
        actor=vlo, request_id=meeting_request.pk, slot_id=_first_slot(meeting_request).pk
    )
    rows = AccessEvent.objects.filter(object_type="pretrial_request", object_id=meeting_request.pk)
    assert rows.count() == 2
    result = verify_chain()
    assert result.ok, result.problem
    assert result.checked >= 2
    with pytest.raises(Exception, match="append-only"):
        rows.update(audience="tampered")
