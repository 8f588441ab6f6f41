"""The personal-identifier check for CMS content: the shared detector (agencies.privacy.identifiers) run
over everything a page publishes.

That is: the free-text fields each page type declares in `identifier_checked_fields`, the fields
every page has (slug, SEO title, search description), and every document and image the page uses
(found through Wagtail's reference index, so choosers in StreamField blocks, rich-text links and
inline rows all count): their titles, filenames, image descriptions, and the text and properties
inside documents (content.document_text).

`publication_holds` lists what holds a page in the workflow: each hit, and each document whose
text cannot be read. A hold can be lifted only by a recorded override (content.models.
PublicationCheckOverride) made by someone other than the page's authors, and an override names the
exact text it was made for (its fingerprint), so any change to that text brings the hold back."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.html import strip_tags
from wagtail.blocks import StreamValue
from wagtail.rich_text import RichText

from agencies.privacy.identifiers import IdentifierHit, describe, find_identifiers

UNREADABLE_KIND = "unreadable document"
_SEPARATORS = re.compile(r"[-_]+")


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


def words_of_slug(value: str) -> str:
    """A slug or filename as words ("sarah-jones-07700-900123" -> "sarah jones 07700 900123"), so
    the detector sees what a reader of the URL or the file name sees."""
    return _SEPARATORS.sub(" ", value or "").strip()


# Django's storage makes a clashing upload's name unique with "_" and 7 random letters and digits
# (Storage.get_available_name): noise, not something anyone wrote, and it reads to the detector
# as a name ("minutes_TzQwert.pdf"). Only a 7-character run after the last "_" is dropped.
_STORAGE_SUFFIX = re.compile(r"_[A-Za-z0-9]{7}$")


def filename_words(name: str) -> str:
    base = os.path.basename(name or "")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return words_of_slug(_STORAGE_SUFFIX.sub("", stem))


def page_field_values(page: Any) -> list[tuple[str, Any]]:
    """(field, value) for every published field of a (possibly unsaved) page, inline children
    included: the page type's declared fields, then the slug and the SEO fields of every page."""
    values: list[tuple[str, Any]] = []
    for spec in getattr(page, "identifier_checked_fields", ("title",)):
        relation, _, field = spec.partition(".")
        if field:
            manager = getattr(page, relation)
            for index, child in enumerate(manager.all()):
                values.append((f"{relation}.{index}.{field}", getattr(child, field)))
        else:
            values.append((relation, getattr(page, relation, None)))
    if "title" not in getattr(page, "identifier_checked_fields", ("title",)):
        values.append(("title", getattr(page, "title", None)))
    values.append(("slug", words_of_slug(getattr(page, "slug", "") or "")))
    values.append(("seo_title", getattr(page, "seo_title", None)))
    values.append(("search_description", getattr(page, "search_description", None)))
    return values


def page_texts(page: Any) -> list[str]:
    """The checked text of a (possibly unsaved) page, its inline children, slug and SEO fields
    included (not the documents and images it uses: see `checked_texts`)."""
    return texts_from_values(value for _, value in page_field_values(page))


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


# The whole publication: page fields, documents and images --------------------------------------


@dataclass(frozen=True)
class CheckedText:
    field: str  # a stable key: "slug", "body", "document:12:title", "document:12:text"
    label: str  # for a person: "Slug", "Document 12 (minutes.pdf): text inside the file"
    text: str


@dataclass(frozen=True)
class PublicationHold:
    field: str
    label: str
    kind: str
    excerpt: str  # the matched text (shown to reviewers in the admin, who may read the draft)
    message: str
    fingerprint: str


FIELD_LABELS = {"slug": "Slug (web address)", "seo_title": "Title tag (SEO title)"}


def _field_label(field: str) -> str:
    if field in FIELD_LABELS:
        return FIELD_LABELS[field]
    head = field.split(".")[0]
    return head.replace("_", " ").capitalize()


def referenced_media(page: Any) -> tuple[list[Any], list[Any]]:
    """The documents and images a (possibly unsaved) page uses, through Wagtail's reference index
    (foreign keys, StreamField choosers, rich-text links and embeds, inline rows)."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import ReferenceIndex

    document_model, image_model = get_document_model(), get_image_model()
    wanted = {
        ContentType.objects.get_for_model(document_model).pk: document_model,
        ContentType.objects.get_for_model(image_model).pk: image_model,
    }
    ids: dict[Any, set[int]] = {document_model: set(), image_model: set()}
    for content_type_id, object_id, *_ in ReferenceIndex._extract_references_from_object(page):
        model = wanted.get(content_type_id)
        if model is not None and str(object_id).isdigit():
            ids[model].add(int(object_id))
    documents = list(document_model.objects.filter(pk__in=ids[document_model]).order_by("pk"))
    images = list(image_model.objects.filter(pk__in=ids[image_model]).order_by("pk"))
    return documents, images


def media_checked_texts(
    documents: Iterable[Any], images: Iterable[Any]
) -> tuple[list[CheckedText], list[Any]]:
    """The checked texts of documents and images, and the documents whose text cannot be read."""
    from content.document_text import document_text

    texts: list[CheckedText] = []
    unreadable: list[tuple[Any, str]] = []
    for document in documents:
        name = os.path.basename(document.file.name or "")
        who = f"Document {document.pk} ({name})"
        texts.append(CheckedText(f"document:{document.pk}:title", f"{who}: title", document.title or ""))
        texts.append(
            CheckedText(f"document:{document.pk}:filename", f"{who}: file name", filename_words(name))
        )
        extracted = document_text(document)
        if extracted.problem:
            unreadable.append((document, extracted.problem))
        for part, text in extracted.parts:
            label = "text inside the file" if part == "text" else "properties of the file (author, title)"
            texts.append(CheckedText(f"document:{document.pk}:{part}", f"{who}: {label}", text))
    for image in images:
        name = os.path.basename(image.file.name or "")
        who = f"Image {image.pk} ({name})"
        texts.append(CheckedText(f"image:{image.pk}:title", f"{who}: title", image.title or ""))
        texts.append(CheckedText(f"image:{image.pk}:filename", f"{who}: file name", filename_words(name)))
        description = getattr(image, "description", "") or ""
        texts.append(CheckedText(f"image:{image.pk}:description", f"{who}: description", description))
    return texts, unreadable


def checked_texts(page: Any) -> tuple[list[CheckedText], list[Any]]:
    """Every published text of a page (fields, documents, images) and the unreadable documents."""
    texts: list[CheckedText] = []
    for field, value in page_field_values(page):
        for text in _texts(value):
            if text:
                texts.append(CheckedText(field, _field_label(field), text))
    documents, images = referenced_media(page)
    media, unreadable = media_checked_texts(documents, images)
    return texts + media, unreadable


def fingerprint(*, field: str, text: str, kind: str, start: int, end: int) -> str:
    """What an override is bound to: this field, this exact text, this hit."""
    digest = hashlib.sha256()
    for part in (field, text, kind, f"{start}:{end}"):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\x00")
    return digest.hexdigest()


def holds_for(
    texts: Iterable[CheckedText], unreadable: Iterable[tuple[Any, str]] = ()
) -> list[PublicationHold]:
    from content.document_text import file_sha256

    holds: list[PublicationHold] = []
    for item in texts:
        for hit in find_identifiers(item.text):
            start, end = max(0, hit.start), min(len(item.text), hit.end)
            holds.append(
                PublicationHold(
                    field=item.field,
                    label=item.label,
                    kind=str(hit.kind),
                    excerpt=item.text[start:end][:200],
                    message=describe([hit]),
                    fingerprint=fingerprint(
                        field=item.field, text=item.text, kind=str(hit.kind), start=hit.start, end=hit.end
                    ),
                )
            )
    for document, problem in unreadable:
        field = f"document:{document.pk}:file"
        holds.append(
            PublicationHold(
                field=field,
                label=f"Document {document.pk} ({os.path.basename(document.file.name or '')})",
                kind=UNREADABLE_KIND,
                excerpt="",
                message=problem,
                fingerprint=fingerprint(
                    field=field, text=file_sha256(document), kind=UNREADABLE_KIND, start=0, end=0
                ),
            )
        )
    return holds


def publication_holds(page: Any, *, page_id: int | None = None) -> list[PublicationHold]:
    """What holds this (revision of a) page in the workflow: every hit and unreadable document
    that no recorded override covers."""
    from content.models import PublicationCheckOverride

    texts, unreadable = checked_texts(page)
    holds = holds_for(texts, unreadable)
    if not holds:
        return []
    overridden = set(
        PublicationCheckOverride.objects.filter(
            page_id=page_id or page.pk, fingerprint__in=[hold.fingerprint for hold in holds]
        ).values_list("fingerprint", flat=True)
    )
    return [hold for hold in holds if hold.fingerprint not in overridden]


def holds_message(holds: list[PublicationHold]) -> str:
    where = sorted({hold.label for hold in holds})
    return (
        "This page is held: the identifier check found something in "
        + "; ".join(where)
        + ". It cannot be approved or published until the text is changed, or a colleague who did "
        "not write it records why it is not identifying (Identifier check, in the page's menu)."
    )
