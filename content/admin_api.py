"""Wagtail's admin API (/cms/api/main/) lists only what the user may open.

Wagtail's own document and image endpoints list every file outside a view-restricted collection
to anyone who may enter the CMS: a platform administrator (accounts only, no page or collection
permission) could read the title and download URL of a document used only on a restricted page
or only in a draft. These endpoints replace them (registered from content.wagtail_hooks through
Wagtail's `construct_admin_api` hook, after Wagtail's own) and keep Wagtail's collection check,
then apply the download rule (content.selectors.openable_files, the list form of can_view_file):
people who edit pages (and so preview drafts) list every file; anyone else only the files used
on a live page they may see. The pages endpoint is Wagtail's, which already lists only the pages
the user may explore by Wagtail's page permissions.
"""

from __future__ import annotations

from typing import Any

from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet

from content.selectors import openable_files


class OpenableDocumentsAdminAPIViewSet(DocumentsAdminAPIViewSet):
    def get_queryset(self) -> Any:
        return openable_files(viewer=self.request.user, queryset=super().get_queryset())


class OpenableImagesAdminAPIViewSet(ImagesAdminAPIViewSet):
    def get_queryset(self) -> Any:
        return openable_files(viewer=self.request.user, queryset=super().get_queryset())


def register(router: Any) -> None:
    router.register_endpoint("documents", OpenableDocumentsAdminAPIViewSet)
    router.register_endpoint("images", OpenableImagesAdminAPIViewSet)
