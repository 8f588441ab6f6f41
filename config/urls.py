from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from agencies.wagtail_hooks import site_history_urlpatterns
from config import health, views
from config.api import urlpatterns as api_urls
from config.metrics import metrics_view


def _public(patterns: list) -> list:
    """Mark a third-party app's views as reachable without signing in. Wagtail's own checks (page
    view restrictions, collection privacy) still decide who may see each object."""
    wrapped = []
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            wrapped.append(
                URLPattern(
                    pattern.pattern, login_not_required(pattern.callback), pattern.default_args, pattern.name
                )
            )
        else:
            wrapped.append(pattern)
    return wrapped


urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("healthz/live", health.healthz_live, name="healthz-live"),
    path("healthz/ready", health.healthz_ready, name="healthz-ready"),
    # Prometheus scrapes with `Authorization: Bearer <METRICS_TOKEN>`; anyone else gets a 404.
    path("metrics", metrics_view, name="metrics"),
    path("accessibility/", views.accessibility_statement, name="accessibility-statement"),
    path("account/", include("agencies.urls")),
    path("api/v1/", include(api_urls)),
    path("dropins/", include("agencies.dropins.urls")),
    path("scrutiny/", include("scrutiny.urls")),
    path("vlo/", include("agencies.victims.urls")),
    path("pre-trial-meetings/", include("agencies.victims.meetings.urls")),
    path("governance/", include("scrutiny.governance.urls")),
    # The site history report with an agency filter, ahead of Wagtail's own at the same paths.
    *site_history_urlpatterns(),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(_public(wagtaildocs_urls.urlpatterns))),
    path("", include("content.urls")),  # site search, image files (each view checks the viewer)
    # Public pages: Wagtail serves them and enforces each page's own view restrictions.
    re_path(r"^((?:[\w\-]+/)*)$", login_not_required(wagtail_views.serve), name="wagtail_serve"),
    path("", include(wagtail_urls)),
]
