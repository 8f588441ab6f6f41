import factory
from django.utils import timezone

from agencies.victims.models import Court, VloTeam
from tests.factories.agencies import AreaFactory
from tests.factories.base import ModelFactory


class CourtFactory(ModelFactory[Court]):
    class Meta:
        model = Court

    area = factory.SubFactory(AreaFactory)
    name = factory.Sequence(lambda n: f"Test Crown Court {n}")


class VloTeamFactory(ModelFactory[VloTeam]):
    class Meta:
        model = VloTeam
        skip_postgeneration_save = True

    area = factory.SubFactory(AreaFactory)
    team_name = factory.Sequence(lambda n: f"Victim Liaison Unit {n}")
    mailbox = factory.Sequence(lambda n: f"vlo{n}@test-rasso-unit.example.org")
    phone = "01134960000"
    opening_hours = "Monday to Friday, 9am to 5pm"
    last_confirmed_on = factory.LazyFunction(timezone.localdate)

    @factory.post_generation
    def courts(self, create: bool, extracted: list[Court] | None, **kwargs: object) -> None:
        if create and extracted:
            self.courts.set(extracted)
