"""Where uploaded documents and images are kept: the local disk (MEDIA_ROOT, the default) or an
S3-compatible bucket (docs/operations.md, "Media storage").

Either way the files reach people only through the views that check who is asking: Wagtail's
document serve view (WAGTAILDOCS_SERVE_METHOD = "serve_view", with the before_serve_document hook in
content.wagtail_hooks) and content.views.image for image renditions. So the bucket is private, and
`PrivateS3Storage.url()` never hands out an address on the bucket, signed or not: a presigned URL
is a bearer token that would let anyone holding it skip those checks until it expires. It returns
the same unserved same-site path FileSystemStorage does (MEDIA_URL + name), which nothing answers
but a 404 (config.s3_storage, imported only when the bucket is in use: boto3 is not loaded otherwise).
"""

from __future__ import annotations

from typing import Any

from config.env import Env, ImproperlyConfiguredEnv

MEDIA_STORAGES = ("local", "s3")
ADDRESSING_STYLES = ("auto", "path", "virtual")
LOCAL_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def media_storage(env: Env) -> dict[str, Any]:
    """The STORAGES["default"] entry the environment asks for.

    MEDIA_STORAGE=local|s3 chooses; unset, it is s3 when AWS_STORAGE_BUCKET_NAME is set and local
    otherwise. For s3: the bucket (required), AWS_S3_ENDPOINT_URL (any S3-compatible service; unset
    is AWS), AWS_S3_REGION_NAME, AWS_S3_ADDRESSING_STYLE (auto, path or virtual), AWS_LOCATION (a key
    prefix), and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN (unset: boto3's own
    chain, such as an instance role). What keeps the files private is not configurable.
    """
    bucket = env.optional("AWS_STORAGE_BUCKET_NAME")
    kind = (env.optional("MEDIA_STORAGE") or ("s3" if bucket else "local")).lower()
    if kind not in MEDIA_STORAGES:
        raise ImproperlyConfiguredEnv(f"MEDIA_STORAGE must be local or s3, not {kind!r}.")
    if kind == "local":
        return dict(LOCAL_STORAGE)
    if not bucket:
        raise ImproperlyConfiguredEnv("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    options: dict[str, Any] = {
        "bucket_name": bucket,
        # Private objects, served only through the checking views (module docstring).
        "default_acl": "private",
        "querystring_auth": True,
        "custom_domain": None,
        # Two uploads with one name keep both files: a document's file never changes under a page
        # that was checked against the old one (content.identifier_check).
        "file_overwrite": False,
        "signature_version": "s3v4",
        "location": env.str("AWS_LOCATION", ""),
    }
    addressing = env.optional("AWS_S3_ADDRESSING_STYLE")
    if addressing is not None:
        if addressing not in ADDRESSING_STYLES:
            raise ImproperlyConfiguredEnv(
                f"AWS_S3_ADDRESSING_STYLE must be one of {', '.join(ADDRESSING_STYLES)}, not {addressing!r}."
            )
        options["addressing_style"] = addressing
    for name, option in (
        ("AWS_S3_ENDPOINT_URL", "endpoint_url"),
        ("AWS_S3_REGION_NAME", "region_name"),
        ("AWS_ACCESS_KEY_ID", "access_key"),
        ("AWS_SECRET_ACCESS_KEY", "secret_key"),
        ("AWS_SESSION_TOKEN", "security_token"),
    ):
        value = env.optional(name)
        if value is not None:
            options[option] = value
    if ("access_key" in options) != ("secret_key" in options):
        raise ImproperlyConfiguredEnv("Set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither.")
    return {"BACKEND": "config.s3_storage.PrivateS3Storage", "OPTIONS": options}
