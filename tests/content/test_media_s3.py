"""Media in an S3-compatible bucket (config.media), tested against a real S3 API over HTTP: moto's
server on loopback, spoken to by boto3 as any S3 service would be, never a mock of boto.

What must hold: uploads land in the bucket, privately (an unsigned GET of the object is refused);
documents and images reach people only through the views that check them (Wagtail's document serve
view with content.wagtail_hooks, content.views.image), which read the object from the bucket; no
page, search result, API response or CMS page carries the bucket's address or a presigned URL; and
with the environment unset, media stay on the local disk."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.storage import FileSystemStorage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, PageViewRestriction

from agencies.roles import Role
from config.env import Env, ImproperlyConfiguredEnv
from config.media import media_storage
from tests.conftest import signed_in_client
from tests.content.privacy import CANARY, build_privacy_world
from tests.content.test_privacy import _body, _routes

Document = get_document_model()
Image = get_image_model()

REGION = "eu-west-2"
# What a bucket address or a presigned URL would carry; none may reach a response.
SIGNATURE_MARKS = ("X-Amz-Signature", "X-Amz-Credential", "AWSAccessKeyId", "amazonaws.com")


@dataclass
class Bucket:
    name: str
    endpoint: str
    client: Any

    def object_keys(self) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def anonymous_get(self, key: str) -> int:
        """The status an unsigned GET of the object's bucket address gets, as a browser would."""
        try:
            with urllib.request.urlopen(f"{self.endpoint}/{self.name}/{key}", timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def marks(self) -> tuple[str, ...]:
        return (self.endpoint.removeprefix("http://"), self.name, *SIGNATURE_MARKS)


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_server: str) -> Iterator[Bucket]:
    """A fresh private bucket, and the default storage pointed at it the way production's
    environment would (config.media.media_storage)."""
    import boto3

    name = f"scrutiny-media-{uuid.uuid4().hex[:12]}"
    environment = {
        "MEDIA_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": name,
        "AWS_S3_ENDPOINT_URL": s3_server,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_S3_ADDRESSING_STYLE": "path",
        "AWS_ACCESS_KEY_ID": "test-access-key",
        "AWS_SECRET_ACCESS_KEY": "test-secret-key",
    }
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name=REGION,
        aws_access_key_id="test-access-key",
        aws_secret_access_key="test-secret-key",
    )
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    storages = {**settings.STORAGES, "default": media_storage(Env(environment))}
    with override_settings(STORAGES=storages):
        yield Bucket(name=name, endpoint=s3_server, client=client)


def _local_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def _leaks(body: str, bucket: Bucket) -> list[str]:
    return [mark for mark in bucket.marks() if mark.lower() in body.lower()]


# Uploads --------------------------------------------------------------------------------------------


@pytest.mark.s3
@pytest.mark.django_db
def test_documents_and_images_uploaded_in_the_cms_land_in_the_private_bucket(bucket, editor) -> None:
    from config.s3_storage import PrivateS3Storage

    client = signed_in_client(editor)
    root = Collection.get_first_root_node().pk
    before = set(_local_files())
    data = f"Minutes of the panel {CANARY}\n".encode()
    response = client.post(
        "/cms/documents/add/",
        {"title": "Minutes", "file": SimpleUploadedFile("minutes.txt", data), "collection": root},
    )
    assert response.status_code == 302, response.content[:500]
    picture = io.BytesIO()
    PILImage.new("RGB", (64, 48), "purple").save(picture, "PNG")
    response = client.post(
        "/cms/images/add/",
        {
            "title": "Chart",
            "file": SimpleUploadedFile("chart.png", picture.getvalue()),
            "collection": root,
        },
    )
    assert response.status_code == 302, response.content[:500]

    document, image = Document.objects.get(), Image.objects.get()
    assert isinstance(document.file.storage, PrivateS3Storage)
    assert bucket.object_keys() == sorted([document.file.name, image.file.name])
    assert bucket.read(document.file.name) == data
    assert bucket.read(image.file.name)[:8] == b"\x89PNG\r\n\x1a\n"
    assert set(_local_files()) == before  # nothing written to MEDIA_ROOT
    for key in bucket.object_keys():
        grants = bucket.client.get_object_acl(Bucket=bucket.name, Key=key)["Grants"]
        assert [grant["Grantee"]["Type"] for grant in grants] == ["CanonicalUser"], grants
        assert bucket.anonymous_get(key) == 403
    # The same upload made public would be readable: the 403 above is the ACL's doing.
    bucket.client.put_object(Bucket=bucket.name, Key="control.txt", Body=b"x", ACL="public-read")
    assert bucket.anonymous_get("control.txt") == 200


@pytest.mark.s3
@pytest.mark.django_db
def test_a_second_upload_with_the_same_name_keeps_the_first_file(bucket) -> None:
    first = Document.objects.create(title="One", file=SimpleUploadedFile("minutes.txt", b"first\n"))
    second = Document.objects.create(title="Two", file=SimpleUploadedFile("minutes.txt", b"second\n"))
    assert first.file.name != second.file.name
    assert bucket.read(first.file.name) == b"first\n"
    assert bucket.read(second.file.name) == b"second\n"


# Serving through the checking views -------------------------------------------------------------------


@pytest.fixture
def world(bucket, home_page, roles):
    return build_privacy_world(home_page)


@pytest.mark.s3
@pytest.mark.django_db
def test_the_checking_views_serve_bucket_files_to_whom_they_may_and_no_one_else(
    bucket, world, panel_member, isva, host, other_agency_isva
) -> None:
    private = world.private_document
    assert private.file.name in bucket.object_keys()
    # What the view sends is what the bucket holds now (read over HTTP, not from a local copy).
    bucket.client.put_object(Bucket=bucket.name, Key=private.file.name, Body=f"From the bucket {CANARY}\n")
    inside = signed_in_client(panel_member)
    response = inside.get(private.url)
    assert response.status_code == 200
    assert _body(response) == f"From the bucket {CANARY}\n"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    image = inside.get(reverse("content:image", args=[world.private_image.pk, 640]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert image.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"
    renditions = [key for key in bucket.object_keys() if key.startswith("images/")]
    assert renditions and all(bucket.anonymous_get(key) == 403 for key in renditions)
    assert inside.get(reverse("content:image", args=[world.collection_image.pk, 640])).status_code == 200
    # The public document and image, to everyone.
    assert _body(Client().get(world.public_document.url)) == "Public minutes\n"
    assert Client().get(reverse("content:image", args=[world.public_image.pk, 320])).status_code == 200

    # Anyone else: signed out, another role, another agency and area.
    anonymous = Client().get(private.url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/account/sign-in/")
    for person in (isva, host, other_agency_isva):
        client = signed_in_client(person)
        assert client.get(private.url).status_code == 404, person.email
        assert client.get(reverse("content:image", args=[world.private_image.pk, 640])).status_code == 404
    for client in (Client(), signed_in_client(isva)):
        response = client.get(reverse("content:image", args=[world.private_image.pk, 640]))
        assert response.status_code in {302, 404}
        assert CANARY not in _body(response)
    # MEDIA_URL is no way round: nothing serves it, to anyone.
    for client in (Client(), inside):
        assert client.get(settings.MEDIA_URL + private.file.name).status_code == 404


@pytest.mark.s3
@pytest.mark.django_db
def test_restricting_a_page_takes_its_bucket_document_away_from_everyone_outside(
    bucket, world, panel_member, isva
) -> None:
    """A document open to all while its page is public is, once the page is restricted to panel
    members, served to them alone, though the object in the bucket has not changed."""
    document = world.public_document
    assert document.file.name in bucket.object_keys()
    assert Client().get(document.url).status_code == 200
    restriction = PageViewRestriction.objects.create(
        page=world.public_page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set(Group.objects.filter(name=Role.PANEL_MEMBER.value))
    assert Client().get(document.url).status_code == 302
    assert signed_in_client(isva).get(document.url).status_code == 404
    response = signed_in_client(panel_member).get(document.url)
    assert response.status_code == 200 and _body(response) == "Public minutes\n"


# No bucket address anywhere -----------------------------------------------------------------------------


def _admin_routes(world: Any) -> list[str]:
    document, image = world.private_document, world.private_image
    return [
        "/cms/",
        "/cms/documents/",
        f"/cms/documents/edit/{document.pk}/",
        "/cms/documents/chooser/",
        "/cms/images/",
        f"/cms/images/{image.pk}/",
        "/cms/images/chooser/",
        f"/cms/images/chooser/{image.pk}/",
        f"/cms/pages/{world.public_page.pk}/edit/",
        f"/cms/pages/{world.private_page.pk}/edit/",
        "/cms/api/main/documents/",
        f"/cms/api/main/documents/{document.pk}/",
        "/cms/api/main/images/",
        f"/cms/api/main/images/{image.pk}/",
        f"/cms/api/main/pages/{world.private_page.pk}/",
    ]


@pytest.mark.s3
@pytest.mark.django_db
def test_no_page_search_result_api_or_cms_page_names_the_bucket(
    bucket, world, panel_member, isva, editor
) -> None:
    from storages.backends.s3 import S3Storage

    # The check can fail: django-storages' own url() is a presigned address on the bucket.
    presigned = S3Storage.url(storages["default"], world.private_image.file.name)
    assert _leaks(presigned, bucket)

    routes = _routes(world) + _admin_routes(world)
    clients = {
        "anonymous": Client(),
        "isva": signed_in_client(isva),
        "panel member": signed_in_client(panel_member),
        "editor": signed_in_client(editor),
    }
    leaks = []
    for who, client in clients.items():
        for route in routes:
            response = client.get(route)
            assert response.status_code < 500, (who, route)
            found = _leaks(_body(response), bucket) + _leaks(
                " ".join(str(value) for value in response.headers.values()), bucket
            )
            if found:
                leaks.append((who, route, found))
    assert leaks == []

    # The CMS did render file URLs (so the search above looked at them): the unserved same-site path.
    editor_client = clients["editor"]
    listing = _body(editor_client.get("/cms/images/"))
    assert f'src="{settings.MEDIA_URL}images/' in listing
    detail = json.loads(_body(editor_client.get(f"/cms/api/main/images/{world.private_image.pk}/")))
    assert detail["meta"]["download_url"] == settings.MEDIA_URL + world.private_image.file.name
    page = _body(clients["panel member"].get(world.private_page.url))
    assert reverse("content:image", args=[world.private_image.pk, 960]) in page
    assert world.private_document.url in page


# The default and the environment ------------------------------------------------------------------------


def test_with_the_environment_unset_media_stay_on_the_local_disk() -> None:
    assert media_storage(Env({})) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert media_storage(Env({"MEDIA_STORAGE": "local", "AWS_STORAGE_BUCKET_NAME": "b"}))["BACKEND"] == (
        "django.core.files.storage.FileSystemStorage"
    )
    if not any(os.environ.get(name) for name in ("MEDIA_STORAGE", "AWS_STORAGE_BUCKET_NAME")):
        assert settings.STORAGES["default"] == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
        assert type(storages["default"]) is FileSystemStorage


def _production_default_storage(extra: dict[str, str]) -> dict[str, Any]:
    """STORAGES["default"] as production's settings read it from this environment alone."""
    keep = ("PATH", "HOME", "LANG", "SCRUTINY_TEST_RUN_ID")
    environment = {name: os.environ[name] for name in keep if name in os.environ}
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": "s" * 60,
            "ALLOWED_HOSTS": "scrutiny-hub.example.org",
            **extra,
        }
    )
    script = "import json; from django.conf import settings; print(json.dumps(settings.STORAGES['default']))"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_reads_the_storage_from_its_environment() -> None:
    assert _production_default_storage({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    s3 = _production_default_storage(
        {
            "AWS_STORAGE_BUCKET_NAME": "scrutiny-media",
            "AWS_S3_ENDPOINT_URL": "https://s3.example.org",
            "AWS_S3_REGION_NAME": REGION,
            "AWS_S3_ADDRESSING_STYLE": "virtual",
        }
    )
    assert s3["BACKEND"] == "config.s3_storage.PrivateS3Storage"
    assert s3["OPTIONS"] == {
        "bucket_name": "scrutiny-media",
        "default_acl": "private",
        "querystring_auth": True,
        "custom_domain": None,
        "file_overwrite": False,
        "signature_version": "s3v4",
        "location": "",
        "addressing_style": "virtual",
        "endpoint_url": "https://s3.example.org",
        "region_name": REGION,
    }


@pytest.mark.parametrize(
    ("environment", "names"),
    [
        ({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE"),
        ({"MEDIA_STORAGE": "s3"}, "AWS_STORAGE_BUCKET_NAME"),
        ({"AWS_STORAGE_BUCKET_NAME": "b", "AWS_S3_ADDRESSING_STYLE": "sideways"}, "AWS_S3_ADDRESSING_STYLE"),
        ({"AWS_STORAGE_BUCKET_NAME": "b", "AWS_ACCESS_KEY_ID": "k"}, "AWS_SECRET_ACCESS_KEY"),
    ],
)
def test_a_malformed_storage_environment_stops_start_up_with_its_name(environment, names) -> None:
    with pytest.raises(ImproperlyConfiguredEnv, match=names):
        media_storage(Env(environment))
