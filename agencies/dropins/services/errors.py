"""The drop-in services' refusals."""

from __future__ import annotations


class DropinError(Exception):
    """A request the rules refuse, with a message for the person who made it. Nothing changed."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class NotFound(DropinError):
    def __init__(self, message: str = "Not found.") -> None:
        super().__init__(message, code="not_found")
