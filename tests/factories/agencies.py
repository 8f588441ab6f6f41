import factory
from django.contrib.auth.models import Group

from agencies.models import Agency, AgencyKind, Area, Notification, User
from agencies.roles import Role
from tests.factories.base import ModelFactory

TEST_PASSWORD = "a-long-test-password-2026"


class AreaFactory(ModelFactory[Area]):
    class Meta:
        model = Area
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"CPS Test Area {n}")
    code = factory.Sequence(lambda n: f"test-area-{n}")


class AgencyFactory(ModelFactory[Agency]):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Test Agency {n}")
    kind = AgencyKind.CPS_AREA
    area = factory.SubFactory(AreaFactory)
    allowed_email_domains = factory.LazyAttribute(
        lambda o: [f"{o.name.lower().replace(' ', '-')}.example.org"]
    )


class UserFactory(ModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Sequence(lambda n: f"Test{n}")
    last_name = "Person"
    job_title = "Tester"
    agency = factory.SubFactory(AgencyFactory)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[Role] | None, **kwargs: object) -> None:
        if create and extracted:
            for role in extracted:
                self.groups.add(Group.objects.get(name=role.value))
        if create:
            self.save()


class NotificationFactory(ModelFactory[Notification]):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Test notification {n}")
