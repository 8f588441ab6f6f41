"""Content views outside Wagtail's page serving: site search and the image serve view."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET
from wagtail.images import get_image_model

from content.selectors import can_view_file, site_search

# Renditions are made only at these widths, so the URL cannot be used to fill the disk.
IMAGE_WIDTHS = frozenset({320, 640, 960})
IMAGE_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}


@login_not_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    theme = request.GET.get("theme", "")
    results = site_search(
        viewer=request.user, query=query, theme_slug=theme, page_number=request.GET.get("page")
    )
    params = {"q": results.query}
    if results.theme is not None:
        params["theme"] = results.theme.slug
    return render(request, "content/search.html", {"results": results, "query_string": urlencode(params)})


@login_not_required
@require_GET
def image(request: HttpRequest, image_id: int, width: int) -> HttpResponse:
    """Serve an image rendition only to someone who may see it: its collection's view restrictions
    pass, and a live page the viewer may see uses it (or the viewer works in the CMS). Renditions
    are never linked from MEDIA_URL, so this is the only public route to image files."""
    if width not in IMAGE_WIDTHS:
        raise Http404
    picture = get_object_or_404(get_image_model().objects.select_related("collection"), pk=image_id)
    for restriction in picture.collection.get_view_restrictions():
        if not restriction.accept_request(request):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise Http404
    if not can_view_file(viewer=request.user, obj=picture):
        raise Http404
    rendition = picture.get_rendition(f"width-{width}")
    extension = rendition.file.name.rsplit(".", 1)[-1].lower()
    response = FileResponse(
        rendition.file.open("rb"), content_type=IMAGE_TYPES.get(extension, "application/octet-stream")
    )
    # An image file never runs anything, even opened on its own (issue 8, uploads).
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=600"
    response["Vary"] = "Cookie"
    return response
