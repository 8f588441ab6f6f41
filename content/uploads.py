"""Upload validation for CMS documents (publications' minutes and reports).

Wagtail checks the extension against WAGTAILDOCS_EXTENSIONS and the size against
WAGTAILDOCS_MAX_UPLOAD_SIZE; this adds the content check: the file's bytes must be what its
extension says. A PDF must start with the PDF signature, an Office Open XML file must be a ZIP
holding the part for its kind, an OpenDocument file must be a ZIP whose `mimetype` entry names its
kind, and CSV/text must be UTF-8 text with no NUL bytes that does not open like markup (HTML, SVG
or XML), so nothing uploaded can be served as something a browser would run. Images are checked by
Wagtail itself (Willow reads the real format and it must match the extension).

The check reads at most the first 64 KiB (and a ZIP's central directory); it never parses the
whole document. WAGTAILDOCS_DOCUMENT_FORM_BASE points Wagtail's document forms (single, multiple
and chooser upload) at `DocumentForm`, and WAGTAILIMAGES_IMAGE_FORM_BASE the image forms at
`ImageForm`.

A document or image already used by a live page is published the moment it changes: a new
title, file name or file (and for a document the text inside it) must pass the identifier check
(content.identifier_check), or the change is refused with a message. Anything else goes through
the page's approval workflow, where a hit holds the page for a second person.
"""

from __future__ import annotations

import re
import zipfile
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

LIVE_MEDIA_REFUSED = (
    "This {kind} is used on a published page, so this change would publish without approval: "
    "{found} Change it, or upload a new {kind} and add it to the page (which then goes through "
    "approval)."
)

HEAD_BYTES = 64 * 1024

OOXML_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
ODF_MIMETYPE = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
}
# What a browser's sniffer (or a careless viewer) would take for markup, at the start of a file.
MARKUP_START = re.compile(
    rb"^\s*<(?:!doctype|html|head|body|script|svg|\?xml|iframe|object|embed|meta|img|a\s|style|xsl)",
    re.IGNORECASE,
)
MARKUP_ANYWHERE = re.compile(rb"<\s*(?:script|svg|html|iframe)\b", re.IGNORECASE)


def _head(file: IO[bytes]) -> bytes:
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    return head


def _zip_names(file: IO[bytes]) -> tuple[list[str], zipfile.ZipFile] | None:
    try:
        archive = zipfile.ZipFile(file)
        return archive.namelist(), archive
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None


def content_problem(file: IO[bytes], extension: str) -> str | None:
    """Why the bytes do not match `extension`, or None when they do."""
    extension = extension.lower().lstrip(".")
    head = _head(file)
    if not head:
        return "The file is empty."
    if extension == "pdf":
        if not head.startswith(b"%PDF-"):
            return "The file is not a PDF, although its name ends in .pdf."
        return None
    if extension in OOXML_PART or extension in ODF_MIMETYPE:
        if not head.startswith(b"PK\x03\x04"):
            return f"The file is not a .{extension} document, although its name says so."
        opened = _zip_names(file)
        file.seek(0)
        if opened is None:
            return f"The file is not a .{extension} document, although its name says so."
        names, archive = opened
        try:
            if extension in OOXML_PART:
                if "[Content_Types].xml" not in names or OOXML_PART[extension] not in names:
                    return f"The file is not a .{extension} document, although its name says so."
            else:
                if "mimetype" not in names or archive.read("mimetype").strip() != ODF_MIMETYPE[extension]:
                    return f"The file is not a .{extension} document, although its name says so."
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, KeyError, RuntimeError):
            return f"The file is not a .{extension} document, although its name says so."
        finally:
            file.seek(0)
        return None
    if extension in {"csv", "txt"}:
        if b"\x00" in head:
            return "The file is not plain text."
        try:
            # A multi-byte character may be cut at the end of the sample.
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:
                return "The file is not UTF-8 text. Save it as UTF-8 and upload it again."
        body = head.removeprefix(b"\xef\xbb\xbf")
        if MARKUP_START.match(body) or MARKUP_ANYWHERE.search(body):
            return "The file looks like a web page or markup, which cannot be uploaded."
        return None
    return f"Files ending in .{extension} cannot be uploaded."


def validate_document_file(file: Any) -> None:
    name = str(getattr(file, "name", "") or "")
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    problem = content_problem(file, extension)
    if problem:
        raise ValidationError(problem, code="invalid_content")


def used_on_live_page(obj: Any) -> bool:
    """Whether a live page uses this document or image (Wagtail's reference index)."""
    if obj is None or obj.pk is None:
        return False
    from wagtail.models import Page, ReferenceIndex

    page_ids = (
        ReferenceIndex.get_references_to(obj)
        .filter(base_content_type__app_label="wagtailcore", base_content_type__model="page")
        .values_list("object_id", flat=True)
    )
    ids = [int(value) for value in page_ids if str(value).isdigit()]
    return bool(ids) and Page.objects.filter(pk__in=ids, live=True).exists()


def _live_media_problem(kind: str, title: str, file: Any, *, read_text: bool) -> str | None:
    from agencies.privacy.identifiers import describe
    from content.document_text import text_of_bytes
    from content.identifier_check import filename_words, hits_in

    texts = [title or ""]
    if isinstance(file, UploadedFile):
        name = str(file.name or "")
        texts.append(filename_words(name))
        if read_text:
            file.seek(0)
            extracted = text_of_bytes(file.read(), name.rsplit(".", 1)[-1] if "." in name else "")
            file.seek(0)
            if extracted.problem:
                return LIVE_MEDIA_REFUSED.format(kind=kind, found=extracted.problem)
            texts.extend(text for _, text in extracted.parts)
    hits = hits_in(texts)
    if hits:
        return LIVE_MEDIA_REFUSED.format(kind=kind, found=describe(hits))
    return None


class DocumentForm(BaseDocumentForm):
    """Wagtail's document form with the content check on the file, and the identifier check on a
    document a live page uses."""

    def clean_file(self) -> Any:
        file = self.cleaned_data.get("file")
        if isinstance(file, UploadedFile):  # a new upload (not the stored file on an edit)
            validate_document_file(file)
        return file

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors and used_on_live_page(self.instance):
            problem = _live_media_problem(
                "document", cleaned.get("title", ""), cleaned.get("file"), read_text=True
            )
            if problem:
                self.add_error(None, problem)
        return cleaned


class ImageForm(BaseImageForm):
    """Wagtail's image form with the identifier check on an image a live page uses."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors and used_on_live_page(self.instance):
            title = " ".join(
                str(cleaned.get(name) or "") for name in ("title", "description") if name in cleaned
            )
            problem = _live_media_problem("image", title, cleaned.get("file"), read_text=False)
            if problem:
                self.add_error(None, problem)
        return cleaned
