"""The one error convention for services in every app, and its one mapping to HTTP.

A service refuses a request by raising a `ServiceError` (or Django's own `ValidationError`, which a
`ServiceError` is): nothing has been written, and the message is for the person who asked. The
subclasses say which HTTP status an API answers with; a form view answers 400 with the messages on
the form (`attach_to_form`), whatever the subclass, except `NotFound`, which is a 404 everywhere so
that a refusal never tells an intruder that an object exists.

Field errors: pass `field="name"`; the form shows the message beside that field when the form has
it, and in the error summary otherwise.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


class ServiceError(ValidationError):
    """A request the rules refuse, with a message for the person who made it. Nothing changed."""

    status: ClassVar[int] = 400
    default_code: ClassVar[str] = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        self.field = field
        self.message_text = message
        code = code or self.default_code
        if field:
            super().__init__({field: [ValidationError(message, code=code)]})
        else:
            super().__init__(message, code=code)
        self.code = code


class NotFound(ServiceError):
    """The object does not exist, or the caller may not know that it does: 404 on every channel."""

    status = 404
    default_code = "not_found"

    def __init__(self, message: str = "Not found.", *, field: str | None = None) -> None:
        super().__init__(message, field=field)


class Forbidden(ServiceError):
    """The caller is known, but this action is not theirs to take: 403."""

    status = 403
    default_code = "forbidden"


class Conflict(ServiceError):
    """The request clashes with the current state (full, already booked, changed meanwhile): 409."""

    status = 409
    default_code = "conflict"


def status_for(exc: ValidationError) -> int:
    """The HTTP status an API answers a refusal with: a plain ValidationError is a 400."""
    return exc.status if isinstance(exc, ServiceError) else 400


def messages_of(exc: ValidationError) -> list[str]:
    """Every message of a refusal, field errors included, in a stable order."""
    if hasattr(exc, "error_dict"):
        return [message for errors in exc.message_dict.values() for message in errors]
    return list(exc.messages)


def error_body(exc: ValidationError) -> dict[str, Any]:
    """The JSON an API answers a refusal with (config.api's one handler; agencies.api.ErrorOut):
    `detail`, every message in one sentence; `errors`, the messages by field (`__all__` for the
    rest); `field`, the field a single-field refusal names; `code`, its machine-readable code."""
    if hasattr(exc, "error_dict"):
        errors = {field: list(messages) for field, messages in exc.message_dict.items()}
    else:
        errors = {NON_FIELD_ERRORS: list(exc.messages)}
    field = exc.field if isinstance(exc, ServiceError) else None
    if field is None and len(errors) == 1 and NON_FIELD_ERRORS not in errors:
        field = next(iter(errors))
    code = exc.code if isinstance(exc, ServiceError) else getattr(exc, "code", None)
    return {"detail": " ".join(messages_of(exc)), "errors": errors, "field": field, "code": code or "invalid"}


def attach_to_form(form: Any, exc: ValidationError) -> None:
    """Put a refusal on the form: beside the field it names where the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        for message in exc.messages:
            form.add_error(None, message)
