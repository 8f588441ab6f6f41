"""The personal-identifier check for CMS content: the shared detector (agencies.identifiers) run
over the free-text fields each page type declares in `identifier_checked_fields`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.html import strip_tags
from wagtail.blocks import StreamValue
from wagtail.rich_text import RichText

from agencies.identifiers import IdentifierHit, describe, find_identifiers


def _texts(value: Any) -> Iterator[str]:
    if value is None:
        return
    if isinstance(value, StreamValue):
        yield from value.stream_block.get_searchable_content(value)
    elif isinstance(value, RichText):
        yield strip_tags(value.source)
    elif isinstance(value, str):
        yield strip_tags(value) if "<" in value else value


def texts_from_values(values: Iterable[Any]) -> list[str]:
    return [text for value in values for text in _texts(value) if text]


def page_texts(page: Any) -> list[str]:
    """The checked text of a (possibly unsaved) page, its inline children included."""
    values: list[Any] = []
    for spec in getattr(page, "identifier_checked_fields", ("title",)):
        relation, _, field = spec.partition(".")
        if field:
            manager = getattr(page, relation)
            values.extend(getattr(child, field) for child in manager.all())
        else:
            values.append(getattr(page, relation, None))
    return texts_from_values(values)


def hits_in(texts: Iterable[str]) -> list[IdentifierHit]:
    # Each text separately: a sentence start in one field must not glue onto the next.
    return [hit for text in texts for hit in find_identifiers(text)]


def page_identifier_hits(page: Any) -> list[IdentifierHit]:
    return hits_in(page_texts(page))


def blocking_message(hits: list[IdentifierHit]) -> str:
    return (
        f"{describe(hits)} Guidance with personal identifiers cannot be submitted for approval, "
        "approved or published."
    )
