"""Publication checks on every field that is published (issue 13, point 8).

Reproduction: slugs, SEO titles, search descriptions and document titles skipped the identifier
check; a document titled with a name and a mobile number was approved and shown on a public page.
Now the check covers the page's own fields, its slug and SEO fields, and the titles, file names
and text (PDF, DOCX, ODT) of every document and image it uses. A hit holds the page in the
workflow: no step can be approved until the text changes or a second person - never the author
or submitter - records a reasoned override, which covers only the exact text it was made for."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import PageLogEntry, TaskState

from content.document_text import text_of_bytes
from content.identifier_check import publication_holds
from content.models import PublicationCheckOverride, PublicationPage
from content.services import guidance_workflow_ensure
from tests.conftest import signed_in_client
from tests.content.documents import docx_bytes, encrypted_pdf_bytes, odt_bytes, pdf_bytes
from tests.factories.content import board_page, guidance_index, guidance_page

pytestmark = pytest.mark.django_db

Document = get_document_model()
Image = get_image_model()

PHONE = "07700 900123"
EMAIL = "jo.bloggs@example.com"


@pytest.fixture
def index(home_page, roles):
    guidance_workflow_ensure()
    return guidance_index(home_page)


def _document(title: str, name: str, data: bytes):
    return Document.objects.create(title=title, file=ContentFile(data, name=name))


def _image(title: str, name: str = "photo.png"):
    import io

    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return Image.objects.create(
        title=title, file=ContentFile(buffer.getvalue(), name=name), width=4, height=4
    )


def _submitted(page, author):
    """Save a revision as the author and start the workflow as them (what Submit does)."""
    page.save_revision(user=author)
    page.get_workflow().start(page, author)
    return TaskState.objects.get(workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS)


def _approve(client, page):
    state = TaskState.objects.get(workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS)
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", state.pk])
    return client.post(url, {"comment": ""})


def _held(page, reviewer) -> bool:
    """The reviewer's approve is refused and the step stays in progress."""
    state = TaskState.objects.get(workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS)
    actions = [name for name, *_ in state.task.specific.get_actions(page, reviewer)]
    response = _approve(signed_in_client(reviewer), page)
    state.refresh_from_db()
    return (
        "approve" not in actions
        and response.status_code in (302, 403)
        and state.status == state.STATUS_IN_PROGRESS
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("slug", "call-07700-900123"),
        ("seo_title", f"Advice: call {PHONE}"),
        ("search_description", f"Write to {EMAIL} for advice."),
    ],
)
def test_slug_and_seo_fields_hold_the_page(index, editor, checker, field, value) -> None:
    page = guidance_page(index, title="Clean guidance", slug="clean-guidance", publish=False)
    setattr(page, field, value)
    page.save()
    _submitted(page, editor)
    assert _held(page, checker)
    assert [
        hold.field for hold in publication_holds(page.get_latest_revision_as_object(), page_id=page.pk)
    ] == [field]


def test_a_document_titled_with_a_phone_number_is_held_then_not_published(
    home_page, roles, editor, checker, governance_member
) -> None:
    """The reproduction: a minutes document titled with a name and a mobile number."""
    guidance_workflow_ensure()
    board = board_page(home_page)
    document = _document(f"Minutes - Sarah Jones {PHONE}", "minutes.txt", b"Fictional minutes.\n")
    page = PublicationPage(title="Board minutes", slug="board-minutes", publication_date="2026-06-01")
    from content.models import PublicationDocument

    page.documents = [PublicationDocument(document=document)]
    page.live = False
    board.add_child(instance=page)
    _submitted(page, editor)
    assert _held(page, checker)
    holds = publication_holds(page.get_latest_revision_as_object(), page_id=page.pk)
    assert {hold.field for hold in holds} == {f"document:{document.pk}:title"}
    # Retitled: the hold is gone, and the two steps publish it.
    document.title = "Minutes of the June meeting"
    document.save()
    assert _approve(signed_in_client(checker), page).status_code == 302
    assert _approve(signed_in_client(governance_member), page).status_code == 302
    page.refresh_from_db()
    assert page.live


def _guidance_using_document(index, document):
    return guidance_page(
        index,
        title="Guidance with a document",
        slug="with-document",
        body=[("document", {"document": document, "title": ""})],
        publish=False,
    )


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("minutes.pdf", pdf_bytes(f"Call the complainant on {PHONE}.")),
        ("minutes.pdf", pdf_bytes("Nothing here.", author=EMAIL)),
        ("minutes.docx", docx_bytes(f"Call the complainant on {PHONE}.")),
        ("minutes.docx", docx_bytes("Nothing here.", author=EMAIL)),
        ("minutes.odt", odt_bytes(f"Call the complainant on {PHONE}.")),
        ("minutes.odt", odt_bytes("Nothing here.", author=EMAIL)),
        ("call-07700-900123.pdf", pdf_bytes("Nothing here.")),
    ],
)
def test_the_text_and_file_name_of_a_document_hold_the_page(index, editor, checker, name, data) -> None:
    document = _document("Minutes", name, data)
    page = _guidance_using_document(index, document)
    _submitted(page, editor)
    assert _held(page, checker)
    # The edit view says why, without a 500.
    response = signed_in_client(checker).get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    assert "This page is held" in response.content.decode()


def test_clean_documents_do_not_hold(index, editor, checker) -> None:
    for name, data in [
        ("a.pdf", pdf_bytes("Joint meetings within a week.")),
        ("b.docx", docx_bytes("Joint meetings within a week.")),
        ("c.odt", odt_bytes("Joint meetings within a week.")),
    ]:
        assert text_of_bytes(data, name.rsplit(".", 1)[1]).problem is None
    document = _document("Minutes", "minutes.pdf", pdf_bytes("Joint meetings within a week."))
    page = _guidance_using_document(index, document)
    _submitted(page, editor)
    assert _approve(signed_in_client(checker), page).status_code == 302
    assert (
        TaskState.objects.get(
            workflow_state__object_id=str(page.pk), status="in_progress"
        ).task.specific.__class__.__name__
        == "BoardApprovalTask"
    )


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (encrypted_pdf_bytes(f"Call {PHONE}"), "password-protected"),
        (b"%PDF-1.4\nthis is not a pdf at all", "not a readable PDF"),
    ],
)
def test_an_unreadable_document_is_held_for_a_person_without_a_500(index, editor, checker, data, why) -> None:
    document = _document("Minutes", "minutes.pdf", data)
    page = _guidance_using_document(index, document)
    _submitted(page, editor)
    assert _held(page, checker)
    client = signed_in_client(checker)
    assert client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 200
    check = client.get(reverse("content_identifier_check", args=[page.pk]))
    assert check.status_code == 200
    assert why in check.content.decode()


def test_an_image_title_and_file_name_hold_the_page(index, editor, checker) -> None:
    image = _image(f"Photo {PHONE}", name="photo.png")
    page = guidance_page(
        index,
        title="Guidance with an image",
        slug="with-image",
        body=[("image", {"image": image, "alt_text": "A meeting room", "caption": ""})],
        publish=False,
    )
    _submitted(page, editor)
    assert _held(page, checker)
    assert [
        hold.field for hold in publication_holds(page.get_latest_revision_as_object(), page_id=page.pk)
    ] == [f"image:{image.pk}:title"]


def test_a_document_linked_from_rich_text_is_checked(index, editor, checker) -> None:
    document = _document(f"Call {PHONE}", "minutes.txt", b"Notes.\n")
    page = guidance_page(
        index,
        title="Guidance with a link",
        slug="with-link",
        body=[("rich_text", f'<p>See <a linktype="document" id="{document.pk}">the minutes</a>.</p>')],
        publish=False,
    )
    _submitted(page, editor)
    assert _held(page, checker)


# Overrides ----------------------------------------------------------------------------------------


@pytest.fixture
def held(index, editor):
    page = guidance_page(index, title="Clean guidance", slug="clean-guidance", publish=False)
    page.seo_title = f"Advice: call {PHONE}"
    page.save()
    _submitted(page, editor)
    return page


def _override(client, page, reason="This is the switchboard of the advice line, not a person."):
    hold = publication_holds(page.get_latest_revision_as_object(), page_id=page.pk)[0]
    return client.post(
        reverse("content_identifier_check", args=[page.pk]),
        {"fingerprint": hold.fingerprint, "reason": reason},
    )


def test_a_second_person_records_an_override_and_the_page_moves_on(
    held, editor, checker, governance_member
) -> None:
    client = signed_in_client(checker)
    page_view = client.get(reverse("content_identifier_check", args=[held.pk]))
    assert page_view.status_code == 200 and PHONE in page_view.content.decode()
    response = _override(client, held)
    assert response.status_code == 302
    override = PublicationCheckOverride.objects.get()
    assert (override.created_by, override.field, override.kind) == (checker, "seo_title", "phone")
    assert override.reason.startswith("This is the switchboard")
    # Shown in the admin (the check page and the page history) ...
    body = client.get(reverse("content_identifier_check", args=[held.pk])).content.decode()
    assert "Overrides recorded" in body and "switchboard" in body and "Nothing holds this page" in body
    assert PageLogEntry.objects.filter(
        page=held, action="content.publication_check_override", user=checker
    ).exists()
    history = client.get(reverse("wagtailadmin_pages:history", args=[held.pk])).content.decode()
    assert "Override recorded" in history
    # ... and the page can be approved by both steps.
    assert _approve(client, held).status_code == 302
    assert _approve(signed_in_client(governance_member), held).status_code == 302
    held.refresh_from_db()
    assert held.live


def test_the_author_cannot_override(held, editor) -> None:
    response = _override(signed_in_client(editor), held)
    assert response.status_code == 403
    assert not PublicationCheckOverride.objects.exists()


def test_the_submitter_cannot_override_even_as_a_board_member(index, governance_member, checker) -> None:
    page = guidance_page(index, title="Clean guidance", slug="clean-guidance", publish=False)
    page.seo_title = f"Advice: call {PHONE}"
    page.save()
    _submitted(page, governance_member)
    assert _override(signed_in_client(governance_member), page).status_code == 403
    assert not PublicationCheckOverride.objects.exists()


def test_an_override_covers_only_the_exact_text(held, editor, checker) -> None:
    assert _override(signed_in_client(checker), held).status_code == 302
    assert publication_holds(held.get_latest_revision_as_object(), page_id=held.pk) == []
    # The author changes the text (a new number): the hold is back.
    revision = held.get_latest_revision_as_object()
    revision.seo_title = "Advice: call 07700 900124"
    revision.save_revision(user=editor)
    held.refresh_from_db()
    assert len(publication_holds(held.get_latest_revision_as_object(), page_id=held.pk)) == 1
    assert _held(held, checker)


def test_hostile_override_posts_are_refused_with_a_message(held, checker, platform_admin, isva) -> None:
    client = signed_in_client(checker)
    url = reverse("content_identifier_check", args=[held.pk])
    for data in [
        {"fingerprint": "0" * 64, "reason": "A perfectly good reason for this."},
        {"reason": "A perfectly good reason for this."},
        {"fingerprint": "x" * 5000, "reason": "A perfectly good reason for this."},
    ]:
        response = client.post(url, data)
        assert response.status_code == 400
        assert "no longer applies" in response.content.decode()
    hold = publication_holds(held.get_latest_revision_as_object(), page_id=held.pk)[0]
    for reason in ["", "short", "x" * 2001, "a\x00" * 10]:
        response = client.post(url, {"fingerprint": hold.fingerprint, "reason": reason})
        assert response.status_code == 400, reason
    assert not PublicationCheckOverride.objects.exists()
    # Someone who cannot open the page in the CMS gets nothing (no IDOR).
    assert signed_in_client(platform_admin).get(url).status_code == 404
    assert signed_in_client(isva).get(url).status_code in (302, 403, 404)
    assert client.get(reverse("content_identifier_check", args=[987654])).status_code == 404


# A document or image on a live page publishes the moment it changes -------------------------------


def _live_guidance_with(index, **blocks):
    body = []
    if "document" in blocks:
        body.append(("document", {"document": blocks["document"], "title": ""}))
    if "image" in blocks:
        body.append(("image", {"image": blocks["image"], "alt_text": "A room", "caption": ""}))
    return guidance_page(index, title="Live guidance", slug="live-guidance", body=body, publish=True)


def test_retitling_a_live_document_with_an_identifier_is_refused(index, editor) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from wagtail.models import Collection

    document = _document("Minutes", "minutes.pdf", pdf_bytes("Joint meetings."))
    _live_guidance_with(index, document=document)
    client = signed_in_client(editor)
    url = reverse("wagtaildocs:edit", args=[document.pk])
    collection = Collection.get_first_root_node().pk
    response = client.post(url, {"title": f"Minutes - call {PHONE}", "collection": collection, "tags": ""})
    assert response.status_code == 200
    assert "used on a published page" in response.content.decode()
    document.refresh_from_db()
    assert document.title == "Minutes"
    replacement = SimpleUploadedFile("minutes.pdf", pdf_bytes(f"Call the complainant on {PHONE}."))
    response = client.post(
        url, {"title": "Minutes", "collection": collection, "tags": "", "file": replacement}
    )
    assert response.status_code == 200
    assert "used on a published page" in response.content.decode()
    document.refresh_from_db()
    assert b"07700" not in document.file.open("rb").read()
    # A clean change is fine.
    response = client.post(url, {"title": "Minutes of June", "collection": collection, "tags": ""})
    assert response.status_code == 302
    # A document no live page uses may be retitled freely: its pages are held at approval.
    unused = _document("Draft minutes", "draft.pdf", pdf_bytes("Nothing."))
    response = client.post(
        reverse("wagtaildocs:edit", args=[unused.pk]),
        {"title": f"Draft minutes {PHONE}", "collection": collection, "tags": ""},
    )
    assert response.status_code == 302


def test_retitling_a_live_image_with_an_identifier_is_refused(index, editor) -> None:
    from wagtail.models import Collection

    image = _image("A meeting room")
    _live_guidance_with(index, image=image)
    response = signed_in_client(editor).post(
        reverse("wagtailimages:edit", args=[image.pk]),
        {"title": f"Room - call {PHONE}", "collection": Collection.get_first_root_node().pk, "tags": ""},
    )
    assert response.status_code == 200
    assert "used on a published page" in response.content.decode()
    image.refresh_from_db()
    assert image.title == "A meeting room"


def test_a_zip_bomb_is_held_without_being_inflated() -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<a>" + b" " * (100 * 1024 * 1024) + b"</a>")
    result = text_of_bytes(buffer.getvalue(), "docx")
    assert result.parts == ()
    assert "too large once unpacked" in (result.problem or "")


def test_the_storage_suffix_of_a_clashing_file_name_does_not_hold(index, editor, checker) -> None:
    """A second "minutes.pdf" is stored as "minutes_<7 random characters>.pdf"; that suffix is
    nobody's writing and read as a name it held clean documents at random. An identifier written in
    the name is still found."""
    from content.identifier_check import filename_words

    assert filename_words("documents/minutes_TzQwert.pdf") == "minutes"
    assert filename_words("documents/call-07700-900123_TzQwert.pdf") == "call 07700 900123"
    first = _document("Minutes", "minutes.pdf", pdf_bytes("Joint meetings within a week."))
    second = _document("Minutes", "minutes.pdf", pdf_bytes("Joint meetings within a week."))
    assert second.file.name != first.file.name  # the storage made it unique
    page = _guidance_using_document(index, second)
    _submitted(page, editor)
    assert _approve(signed_in_client(checker), page).status_code == 302
    state = TaskState.objects.get(workflow_state__object_id=str(page.pk), status="in_progress")
    assert state.task.specific.__class__.__name__ == "BoardApprovalTask"  # past the 2i step
