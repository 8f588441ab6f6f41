"""Factories for scrutiny records: valid by default, anonymised by construction (no identifiers,
months not dates). Case intake text normally goes through scrutiny.services so the identifier
check runs; these build rows directly for tests that need a particular state."""

import datetime as dt

import factory

from scrutiny.models import (
    Action,
    AgendaItem,
    Case,
    CaseKey,
    CaseStatus,
    ConfidentialityAgreement,
    DecisionPoint,
    Extract,
    Finding,
    Meeting,
    Panel,
    PanelMembership,
    PanelRole,
)
from tests.factories.agencies import AgencyFactory, AreaFactory, UserFactory
from tests.factories.base import ModelFactory
from tests.factories.content import ThemeFactory


class AgreementFactory(ModelFactory[ConfidentialityAgreement]):
    class Meta:
        model = ConfidentialityAgreement
        django_get_or_create = ("version",)

    version = 1
    text = "I will keep everything I read on this panel confidential and use it only for panel work."


class PanelFactory(ModelFactory[Panel]):
    class Meta:
        model = Panel

    name = factory.Sequence(lambda n: f"Test scrutiny panel {n}")
    code = factory.Sequence(lambda n: f"tp{n}")
    area = factory.SubFactory(AreaFactory)
    terms_of_reference = "The panel reviews finalised cases to learn what went well and what did not."


class MembershipFactory(ModelFactory[PanelMembership]):
    class Meta:
        model = PanelMembership

    panel = factory.SubFactory(PanelFactory)
    user = factory.SubFactory(UserFactory)
    role = PanelRole.INDEPENDENT


class CaseFactory(ModelFactory[Case]):
    class Meta:
        model = Case

    panel = factory.SubFactory(PanelFactory)
    pseudonym = factory.Sequence(lambda n: f"TP-2026-{n:04d}")
    presenting_agency = factory.SubFactory(AgencyFactory)
    area = factory.LazyAttribute(lambda o: o.panel.area)
    offence_category = "rape_adult"
    outcome = "nfa_cps"
    selection_reason = "random"
    offence_month = dt.date(2023, 5, 1)
    finalised_month = dt.date(2024, 9, 1)
    months_to_charge_decision = 7
    victim_age_band = "25_34"
    suspect_age_band = "35_54"
    relationship = "acquaintance"
    vulnerability_flags = factory.LazyFunction(lambda: ["mental_health"])
    isva_involved = True
    status = CaseStatus.RELEASED


class CaseKeyFactory(ModelFactory[CaseKey]):
    class Meta:
        model = CaseKey

    case = factory.SubFactory(CaseFactory)
    cps_urn = "42AB1234523"
    crime_number = "CR/12345/23"


class ExtractFactory(ModelFactory[Extract]):
    class Meta:
        model = Extract

    case = factory.SubFactory(CaseFactory)
    kind = "summary"
    text = "The complainant reported to police the following week; the file was reviewed twice."


class DecisionPointFactory(ModelFactory[DecisionPoint]):
    class Meta:
        model = DecisionPoint

    case = factory.SubFactory(CaseFactory)
    stage = "charging"
    order = 1
    text = "The prosecutor advised no further action on evidential grounds."


class MeetingFactory(ModelFactory[Meeting]):
    class Meta:
        model = Meeting

    panel = factory.SubFactory(PanelFactory)
    held_on = dt.date(2026, 3, 12)


class AgendaItemFactory(ModelFactory[AgendaItem]):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    case = factory.SubFactory(CaseFactory)
    order = factory.Sequence(lambda n: n + 1)


class FindingFactory(ModelFactory[Finding]):
    class Meta:
        model = Finding

    meeting = factory.SubFactory(MeetingFactory)
    case = factory.SubFactory(CaseFactory)
    theme = factory.SubFactory(ThemeFactory)
    kind = "learning"
    text = "the early advice request was not followed up for several weeks."


class ActionFactory(ModelFactory[Action]):
    class Meta:
        model = Action

    finding = factory.SubFactory(FindingFactory)
    description = "review the follow-up process for early advice requests."
    owner_agency = factory.SubFactory(AgencyFactory)
    owner_role = "RASSO unit head"
    due_on = dt.date(2026, 6, 30)
