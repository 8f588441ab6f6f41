from tests.factories.agencies import AgencyFactory, AreaFactory, NotificationFactory, UserFactory

__all__ = ["AgencyFactory", "AreaFactory", "NotificationFactory", "UserFactory"]
