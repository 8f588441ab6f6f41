"""The text inside an uploaded document, for the publication check (content.identifier_check).

PDF through pypdf, DOCX through python-docx, ODT and ODS through odfpy, XLSX through openpyxl,
CSV and plain text decoded as UTF-8. Each reader yields the body text and the document's own
metadata (author, title, subject...), since a file's properties are published with it.

A document that cannot be read (malformed, password-protected, too large once unpacked, or a kind
that has no reader) is never a 500: `document_text` returns a `problem` sentence instead, and the
page that uses it is held for a person to open the file and decide (a recorded override).

Results are kept in a small in-process cache keyed by the file's SHA-256 (never in the shared
cache: the text of a restricted document must not sit where other code reads pages from).
"""

from __future__ import annotations

import hashlib
import io
import logging
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

# Bounds on the work one document may cost.
MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_UNPACKED_BYTES = 80 * 1024 * 1024  # the sum of a ZIP's members once inflated (zip bombs)
MAX_PDF_PAGES = 500
MAX_CHARS = 2_000_000
MAX_SHEET_CELLS = 200_000

UNREADABLE = (
    "The text of this document could not be read ({why}), so it could not be checked for personal "
    "identifiers. Open it, check it yourself and ask a colleague to confirm, or replace it."
)


class Unreadable(Exception):
    """The document's text cannot be extracted; the message says why, for a person."""


@dataclass(frozen=True)
class DocumentText:
    # (part, text): part is "text" for the body, "metadata" for the file's properties.
    parts: tuple[tuple[str, str], ...]
    problem: str | None = None


def _bounded(chunks: Iterator[str]) -> str:
    out: list[str] = []
    size = 0
    for chunk in chunks:
        if not chunk:
            continue
        out.append(chunk)
        size += len(chunk)
        if size >= MAX_CHARS:
            break
    return "\n".join(out)[:MAX_CHARS]


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise Unreadable("it is not a valid document archive") from exc
    if total > MAX_UNPACKED_BYTES:
        raise Unreadable("it is too large once unpacked")


def _metadata_text(values: Any) -> str:
    return "\n".join(str(value) for value in values if value not in (None, ""))


def _pdf(data: bytes) -> tuple[str, str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # Most "protected" PDFs open with an empty user password; a real one cannot be read.
            try:
                opened = reader.decrypt("")
            except Exception as exc:  # pypdf raises DependencyError/NotImplementedError for ciphers
                raise Unreadable("it is password-protected") from exc
            if not opened:
                raise Unreadable("it is password-protected")
        pages = reader.pages
        if len(pages) > MAX_PDF_PAGES:
            raise Unreadable(f"it has more than {MAX_PDF_PAGES} pages")
        body = _bounded(page.extract_text() or "" for page in pages)
        info = reader.metadata or {}
        meta = _metadata_text(
            info.get(key) for key in ("/Title", "/Author", "/Subject", "/Keywords", "/Creator")
        )
    except Unreadable:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError) as exc:
        raise Unreadable("it is not a readable PDF") from exc
    except Exception as exc:  # any other parser failure on hostile input: hold, never a 500
        logger.warning("pdf text extraction failed: %s", type(exc).__name__)
        raise Unreadable("it is not a readable PDF") from exc
    return body, meta


def _docx(data: bytes) -> tuple[str, str]:
    _check_zip(data)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))

        def chunks() -> Iterator[str]:
            for paragraph in document.paragraphs:
                yield paragraph.text
            for table in document.tables:
                for row in table.rows:
                    for cell in row.cells:
                        yield cell.text
            for section in document.sections:
                for part in (section.header, section.footer):
                    for paragraph in part.paragraphs:
                        yield paragraph.text
            for comment in getattr(document, "comments", None) or ():
                yield getattr(comment, "text", "")
                yield getattr(comment, "author", "")

        body = _bounded(chunks())
        props = document.core_properties
        meta = _metadata_text(
            [props.author, props.title, props.subject, props.keywords, props.last_modified_by, props.comments]
        )
    except Exception as exc:  # python-docx raises many kinds (KeyError, lxml errors, ValueError)
        raise Unreadable("it is not a readable Word document") from exc
    return body, meta


def _odf(data: bytes) -> tuple[str, str]:
    _check_zip(data)
    from odf import teletype
    from odf import text as odf_text
    from odf.opendocument import load

    try:
        document = load(io.BytesIO(data))

        def chunks() -> Iterator[str]:
            for kind in (odf_text.H, odf_text.P):
                for element in document.getElementsByType(kind):
                    yield teletype.extractText(element)

        body = _bounded(chunks())
        meta = _metadata_text(teletype.extractText(child) for child in document.meta.childNodes)
    except Exception as exc:  # odfpy raises SAX, KeyError and attribute errors on bad input
        raise Unreadable("it is not a readable OpenDocument file") from exc
    return body, meta


def _xlsx(data: bytes) -> tuple[str, str]:
    _check_zip(data)
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)

        def chunks() -> Iterator[str]:
            seen = 0
            for sheet in workbook.worksheets:
                yield sheet.title
                for row in sheet.iter_rows(values_only=True):
                    for value in row:
                        seen += 1
                        if seen > MAX_SHEET_CELLS:
                            return
                        if value is not None:
                            yield str(value)

        body = _bounded(chunks())
        props = workbook.properties
        meta = _metadata_text(
            [props.creator, props.title, props.subject, props.keywords, props.lastModifiedBy]
        )
        workbook.close()
    except Exception as exc:
        raise Unreadable("it is not a readable spreadsheet") from exc
    return body, meta


def _plain(data: bytes) -> tuple[str, str]:
    return data.decode("utf-8", errors="replace")[:MAX_CHARS], ""


READERS: dict[str, Callable[[bytes], tuple[str, str]]] = {
    "pdf": _pdf,
    "docx": _docx,
    "odt": _odf,
    "ods": _odf,
    "xlsx": _xlsx,
    "csv": _plain,
    "txt": _plain,
}

_CACHE: OrderedDict[tuple[str, str], DocumentText] = OrderedDict()
_CACHE_SIZE = 64
_LOCK = threading.Lock()


def text_of_bytes(data: bytes, extension: str) -> DocumentText:
    extension = extension.lower().lstrip(".")
    reader = READERS.get(extension)
    if reader is None:
        return DocumentText((), UNREADABLE.format(why=f"files ending in .{extension} have no text reader"))
    if len(data) > MAX_FILE_BYTES:
        return DocumentText((), UNREADABLE.format(why="it is too large to check"))
    if not data:
        return DocumentText(())
    key = (hashlib.sha256(data).hexdigest(), extension)
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    try:
        body, meta = reader(data)
        result = DocumentText((("text", body), ("metadata", meta)))
    except Unreadable as exc:
        result = DocumentText((), UNREADABLE.format(why=str(exc)))
    with _LOCK:
        _CACHE[key] = result
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return result


def file_bytes(document: Any) -> bytes | None:
    """The stored bytes of a Wagtail document (None when the file is missing)."""
    try:
        with document.file.open("rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)
    except (OSError, ValueError):
        return None


# Wagtail records each uploaded file's SHA-1 (Document.file_hash): when it is known, a document
# already read is answered without reading its file again (a dashboard asks about many pages).
_BY_STORED_HASH: OrderedDict[tuple[int, str, str], tuple[DocumentText, str]] = OrderedDict()


def _stored_key(document: Any) -> tuple[int, str, str] | None:
    stored = str(getattr(document, "file_hash", "") or "")
    if not stored or document.pk is None:
        return None
    return (document.pk, str(getattr(document.file, "name", "") or ""), stored)


def _read(document: Any) -> tuple[DocumentText, str]:
    key = _stored_key(document)
    if key is not None:
        with _LOCK:
            if key in _BY_STORED_HASH:
                _BY_STORED_HASH.move_to_end(key)
                return _BY_STORED_HASH[key]
    name = str(getattr(document.file, "name", "") or "")
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    data = file_bytes(document)
    if data is None:
        result = (
            DocumentText((), UNREADABLE.format(why="its file is missing")),
            hashlib.sha256(b"").hexdigest(),
        )
    else:
        result = (text_of_bytes(data, extension), hashlib.sha256(data).hexdigest())
    if key is not None:
        with _LOCK:
            _BY_STORED_HASH[key] = result
            while len(_BY_STORED_HASH) > _CACHE_SIZE:
                _BY_STORED_HASH.popitem(last=False)
    return result


def document_text(document: Any) -> DocumentText:
    """The checkable text of a Wagtail document (its body and its file properties)."""
    return _read(document)[0]


def file_sha256(document: Any) -> str:
    """The SHA-256 of the document's file as stored (what an override of an unreadable file names)."""
    return _read(document)[1]
