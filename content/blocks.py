"""StreamField blocks for guidance pages. Each renders through its own GOV.UK Frontend template."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from draftjs_exporter.error import ExporterException
from wagtail import blocks
from wagtail.blocks import StreamValue
from wagtail.blocks.list_block import ListValue
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructValue
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.rich_text import RichText
from wagtail.rich_text.rewriters import FIND_A_TAG, FIND_EMBED_TAG, extract_attrs

TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul", "document-link"]


class CalloutBlock(blocks.StructBlock):
    style = blocks.ChoiceBlock(
        choices=[("inset", "Inset text"), ("warning", "Warning")], default="inset", required=True
    )
    text = blocks.RichTextBlock(features=["bold", "italic", "link"])

    class Meta:
        icon = "warning"
        template = "content/blocks/callout.html"


class ChecklistBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    items = blocks.ListBlock(blocks.CharBlock(max_length=255), min_num=1)

    class Meta:
        icon = "tick"
        template = "content/blocks/checklist.html"


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120)
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "ul"])


class StepByStepBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    steps = blocks.ListBlock(StepBlock(), min_num=1)

    class Meta:
        icon = "list-ol"
        template = "content/blocks/step_by_step.html"


class RelatedGuidanceBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, default="Related guidance")
    pages = blocks.ListBlock(blocks.PageChooserBlock(page_type="content.GuidancePage"), min_num=1)

    class Meta:
        icon = "link"
        template = "content/blocks/related_guidance.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(max_length=255, help_text="Describe the image for people who cannot see it.")
    caption = blocks.CharBlock(max_length=255, required=False)

    class Meta:
        icon = "image"
        template = "content/blocks/image.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    title = blocks.CharBlock(max_length=255, required=False, help_text="Defaults to the document's title.")

    class Meta:
        icon = "doc-full"
        template = "content/blocks/document.html"


UNREADABLE_BODY = (
    "The page body could not be read, so nothing was saved. Reload the page and make the change again."
)
UNSTORABLE_BODY = (
    "The page body contains characters that cannot be stored (a null character or a broken "
    "character code). Remove them and try again."
)
# What Wagtail's own parsing raises on a body the admin's editor never sends: a missing or
# non-numeric count, type, order or deleted flag at any depth, rich text that is not Draftail's
# JSON object, or a chooser id that is not a number.
MALFORMED = (
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    OverflowError,
    ExporterException,  # Wagtail's rich-text converter: an entity range naming no entity, ...
)


BROKEN_REFERENCE = (
    "A link or image in the text points to something that does not exist. Choose it again with "
    "the link or image button."
)


def broken_rich_text_reference(html: str) -> bool:
    """Whether stored rich text (Wagtail's database format) has a page or document link or an
    image embed whose id is not a 64-bit integer. The Draftail converter stores whatever id the
    post carried; every render then looks the ids up (`in_bulk`) and a non-number raised, so one
    hand-made link made the page a 500 for every viewer."""
    for match in [*FIND_A_TAG.finditer(html), *FIND_EMBED_TAG.finditer(html)]:
        attrs = extract_attrs(match.group(1))
        if attrs.get("linktype") not in ("page", "document") and attrs.get("embedtype") != "image":
            continue  # external, email and anchor links and media embeds look nothing up
        identifier = attrs.get("id", "")
        if not (identifier.isascii() and identifier.isdigit() and int(identifier[:20]) < 2**63):
            return True
    return False


# Draftail nests list items a few levels at most; the converter builds one wrapper per level, so
# a posted depth of 10**9 ran for hours (10**5 took 10 s) and 500 levels overflowed the stack.
MAX_RICH_TEXT_DEPTH = 10


def rich_text_too_deep(raw: Any) -> bool:
    """Whether posted Draftail JSON has a block depth the converter must not be given (checked
    before conversion). Anything that is not Draftail JSON is left to the caller's parse errors."""
    if not isinstance(raw, str) or not raw.lstrip().startswith("{"):
        return False
    try:
        data = json.loads(raw)
    except RecursionError:
        return True  # nested past the parser's own limit: deeper than any Draftail document
    except ValueError:
        return False
    blocks = data.get("blocks") if isinstance(data, dict) else None
    if not isinstance(blocks, list):
        return False
    for block in blocks:
        depth = block.get("depth", 0) if isinstance(block, dict) else 0
        if type(depth) is not int or not 0 <= depth <= MAX_RICH_TEXT_DEPTH:
            return True
    return False


def _rich_texts(value: Any) -> list[RichText]:
    """Every rich text inside a (cleaned) stream value, at any depth."""
    if isinstance(value, RichText):
        return [value]
    if isinstance(value, StreamValue):
        return [text for child in value for text in _rich_texts(child.value)]
    if isinstance(value, StructValue):
        return [text for item in value.values() for text in _rich_texts(item)]
    if isinstance(value, ListValue):
        return [text for item in value for text in _rich_texts(item)]
    return []


def _unstorable(value: Any) -> bool:
    """Whether a prepared (JSON-ready) stream value holds text no database column can store: a
    NUL (PostgreSQL refuses it in text and JSON) or a lone surrogate (not encodable as UTF-8).
    Both reach a stream only through rich text's JSON escapes (\\u0000, \\ud800)."""
    if isinstance(value, str):
        if "\x00" in value:
            return True
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_unstorable(k) or _unstorable(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_unstorable(item) for item in value)
    return False


class GuidanceBodyBlock(blocks.StreamBlock):
    rich_text = blocks.RichTextBlock(features=TEXT_FEATURES, template="content/blocks/rich_text.html")
    callout = CalloutBlock()
    checklist = ChecklistBlock()
    step_by_step = StepByStepBlock()
    related_guidance = RelatedGuidanceBlock()
    image = ImageBlock()
    document = DocumentBlock()

    def value_from_datadict(self, data: Any, files: Any, prefix: str) -> StreamValue:
        """Wagtail reads the posted body with int() and data[...] at every level, so a hand-made
        body (a field missing, a count or order that is not a number, rich text that is not JSON)
        was a 500. Such a body becomes an empty stream marked unreadable, which clean() refuses
        with a message; the editor re-renders with the error and nothing is saved."""
        mine = f"{prefix}-"
        if any(rich_text_too_deep(raw) for key, raw in data.items() if key.startswith(mine)):
            return self._unreadable(UNREADABLE_BODY)
        try:
            value = super().value_from_datadict(data, files, prefix)
        except MALFORMED:
            return self._unreadable(UNREADABLE_BODY)
        # Refused here too: the re-rendered editor cannot encode a lone surrogate either.
        if _unstorable(self.get_prep_value(value)):
            return self._unreadable(UNSTORABLE_BODY)
        # Checked here, not only in clean(): re-rendering the refused form converts the rich text
        # back for the editor, which looks the links up and raised on the same ids.
        if any(broken_rich_text_reference(text.source) for text in _rich_texts(value)):
            return self._unreadable(BROKEN_REFERENCE)
        return value

    def _unreadable(self, message: str) -> StreamValue:
        value = StreamValue(self, [])
        value.unreadable = message
        return value

    def clean(self, value: StreamValue) -> StreamValue:
        message = getattr(value, "unreadable", None)
        if message:
            raise StreamBlockValidationError(non_block_errors=[ValidationError(message)])
        cleaned = super().clean(value)
        if _unstorable(self.get_prep_value(cleaned)):
            raise StreamBlockValidationError(non_block_errors=[ValidationError(UNSTORABLE_BODY)])
        if any(broken_rich_text_reference(text.source) for text in _rich_texts(cleaned)):
            raise StreamBlockValidationError(non_block_errors=[ValidationError(BROKEN_REFERENCE)])
        return cleaned
