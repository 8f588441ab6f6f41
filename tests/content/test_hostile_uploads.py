"""Uploads through the Wagtail admin (documents for publications, images) and how they are
served: size and type limits, the content check (bytes must match the extension; no HTML, SVG or
XML in any disguise), and response headers that stop a served file from running script."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from content.uploads import content_problem
from tests.conftest import signed_in_client
from tests.hostile import HOSTILE_SETTINGS

pytestmark = pytest.mark.django_db

Document = get_document_model()
Image = get_image_model()

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="5"/></svg>'
XML = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})


def _png(size: tuple[int, int] = (4, 4)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, "white").save(buffer, "PNG")
    return buffer.getvalue()


def _upload_document(client, name: str, data: bytes):
    return client.post(
        "/cms/documents/add/",
        {
            "title": "Minutes",
            "file": SimpleUploadedFile(name, data),
            "collection": Collection.get_first_root_node().pk,
        },
    )


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("minutes.pdf", PDF),
        ("minutes.docx", DOCX),
        ("figures.xlsx", XLSX),
        ("minutes.odt", ODT),
        ("figures.csv", b"area,count\nCPS Wessex,12\nNorth < South,3\n"),
        ("notes.txt", "Plain notes – with a dash.\n".encode()),
    ],
)
def test_documents_whose_bytes_match_their_names_are_accepted(editor, name, data) -> None:
    response = _upload_document(signed_in_client(editor), name, data)
    assert response.status_code == 302, response.content[:500]
    assert Document.objects.get().file.read() == data


REFUSED = [
    ("html named pdf", "minutes.pdf", HTML),
    ("svg named pdf", "minutes.pdf", SVG),
    ("pdf signature later", "minutes.pdf", b"<html>" + PDF),
    ("html", "minutes.html", HTML),
    ("htm", "minutes.htm", HTML),
    ("svg", "chart.svg", SVG),
    ("xml", "data.xml", XML),
    ("xhtml", "page.xhtml", HTML),
    ("html named txt", "notes.txt", HTML),
    ("svg named csv", "figures.csv", SVG),
    ("xml named txt", "notes.txt", XML),
    ("script later in txt", "notes.txt", b"Hello\n<script>alert(1)</script>"),
    ("binary named txt", "notes.txt", b"abc\x00def"),
    ("latin-1 named csv", "figures.csv", "caf\xe9,1\n".encode("latin-1") * 3),
    ("html named docx", "minutes.docx", HTML),
    ("zip that is not a docx", "minutes.docx", _zip({"index.html": HTML})),
    ("odt with another mimetype", "minutes.odt", _zip({"mimetype": b"text/html"})),
    ("docx named odt", "minutes.odt", DOCX),
    ("truncated zip", "minutes.docx", DOCX[:40]),
    ("empty pdf", "minutes.pdf", b""),
    ("executable", "setup.exe", b"MZ\x90\x00"),
    ("double extension", "minutes.pdf.html", HTML),
]


@pytest.mark.parametrize(("_why", "name", "data"), REFUSED, ids=[r[0] for r in REFUSED])
def test_documents_that_are_not_what_their_names_say_are_refused(editor, _why, name, data) -> None:
    response = _upload_document(signed_in_client(editor), name, data)
    assert response.status_code == 200
    assert b"error-message" in response.content or b"error" in response.content
    assert not Document.objects.exists()


@override_settings(WAGTAILDOCS_MAX_UPLOAD_SIZE=1024)
def test_documents_over_the_size_limit_are_refused(editor) -> None:
    response = _upload_document(signed_in_client(editor), "minutes.pdf", PDF + b"%" * 2048)
    assert response.status_code == 200
    assert b"too big" in response.content
    assert not Document.objects.exists()


def test_the_document_size_limit_is_set() -> None:
    from django.conf import settings

    assert settings.WAGTAILDOCS_MAX_UPLOAD_SIZE == 20 * 1024 * 1024
    assert settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE == 10 * 1024 * 1024


def test_multiple_upload_runs_the_same_check(editor) -> None:
    client = signed_in_client(editor)
    response = client.post(
        "/cms/documents/multiple/add/",
        {
            "files[]": SimpleUploadedFile("minutes.pdf", HTML),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 200
    assert json.loads(response.content)["success"] is False
    assert not Document.objects.exists()
    response = client.post(
        "/cms/documents/multiple/add/",
        {
            "files[]": SimpleUploadedFile("minutes.pdf", PDF),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert json.loads(response.content)["success"] is True
    assert Document.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "data"),
    [("chart.svg", SVG), ("photo.png", HTML), ("photo.png", SVG), ("photo.jpg", _png()), ("page.html", HTML)],
)
def test_images_must_be_real_raster_images_of_their_extension(editor, name, data) -> None:
    response = signed_in_client(editor).post(
        "/cms/images/add/",
        {
            "title": "Chart",
            "file": SimpleUploadedFile(name, data),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 200
    assert not Image.objects.exists()


def test_a_real_png_is_accepted_and_an_oversized_one_refused(editor) -> None:
    client = signed_in_client(editor)
    root = Collection.get_first_root_node().pk
    with override_settings(WAGTAILIMAGES_MAX_UPLOAD_SIZE=100):
        response = client.post(
            "/cms/images/add/",
            {"title": "Big", "file": SimpleUploadedFile("big.png", _png((64, 64))), "collection": root},
        )
    assert response.status_code == 200 and not Image.objects.exists()
    response = client.post(
        "/cms/images/add/",
        {"title": "Chart", "file": SimpleUploadedFile("chart.png", _png()), "collection": root},
    )
    assert response.status_code == 302
    assert Image.objects.count() == 1


# Serving ------------------------------------------------------------------------------------------


def _served(client, name: str, data: bytes):
    document = Document.objects.create(title="Minutes", file=SimpleUploadedFile(name, data))
    response = client.get(document.url)
    assert response.status_code == 200
    return response


def test_a_pdf_is_served_inline_with_no_active_content(editor) -> None:
    response = _served(signed_in_client(editor), "minutes.pdf", PDF)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("figures.csv", b"a,b\n1,2\n", "text/csv"),
        ("notes.txt", b"notes\n", "text/plain"),
        ("minutes.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
)
def test_other_documents_are_served_as_downloads(editor, name, data, content_type) -> None:
    response = _served(signed_in_client(editor), name, data)
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"


def test_an_html_file_stored_before_the_checks_is_still_a_download(editor) -> None:
    """Defence in depth: a file that got into storage some other way is never rendered."""
    response = _served(signed_in_client(editor), "old.html", HTML)
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_image_renditions_are_served_with_no_active_content(editor) -> None:
    image = Image.objects.create(title="Chart", file=SimpleUploadedFile("chart.png", _png((400, 10))))
    response = signed_in_client(editor).get(f"/files/images/{image.pk}/320/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]


# The check itself on arbitrary bytes --------------------------------------------------------------


@HOSTILE_SETTINGS
@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.sampled_from([PDF, HTML, SVG, XML, DOCX, XLSX, ODT, DOCX[:100], b"PK\x03\x04" + b"\x00" * 50]),
        st.builds(
            lambda a, b: a + b,
            st.sampled_from([b"%PDF-", b"PK\x03\x04", b"\xef\xbb\xbf", b" \n"]),
            st.binary(max_size=200),
        ),
    ),
    extension=st.sampled_from(["pdf", "docx", "xlsx", "odt", "ods", "csv", "txt", "html", "svg", "", "PDF"]),
)
def test_the_content_check_never_crashes_and_never_passes_markup(data, extension) -> None:
    problem = content_problem(io.BytesIO(data), extension)
    assert problem is None or isinstance(problem, str)
    if problem is None:
        assert extension.lower() in {"pdf", "docx", "xlsx", "odt", "ods", "csv", "txt"}
        if extension.lower() in {"csv", "txt"}:
            assert b"<script" not in data.lower() and not data.lstrip().lower().startswith(
                (b"<svg", b"<html", b"<?xml")
            )
