"""The S3 media backend (config.media chooses it): django-storages' S3Storage, private.

Imported only when STORAGES["default"] names it, so a machine on local disk never loads boto3.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    """Objects are written private (config.media sets `default_acl`), and url() is never an address
    on the bucket, signed or not: the same unserved path as FileSystemStorage's (MEDIA_URL + name).
    Whatever renders a file's URL (a page, the CMS, the admin API) so links to nothing; the files
    reach people only through the views that check them (Wagtail's document serve view,
    content.views.image), which read the object with the storage's credentials."""

    def url(self, name: str, parameters: Any = None, expire: Any = None, http_method: Any = None) -> str:
        return settings.MEDIA_URL + filepath_to_uri(name).lstrip("/")
