"""The typed base of the model factories: `UserFactory()` is a `User` to the type checker.

factory_boy builds through its metaclass, whose `__call__` is untyped, so without this mypy types
`UserFactory()` as an instance of the factory class itself.
"""

from typing import TYPE_CHECKING, Any, TypeVar

import factory
from django.db.models import Model

T = TypeVar("T", bound=Model)


class ModelFactory(factory.django.DjangoModelFactory[T]):
    class Meta:
        abstract = True

    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> T:  # type: ignore[misc]
            ...
