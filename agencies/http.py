"""The request type of a signed-in view.

`django.contrib.auth.middleware.LoginRequiredMiddleware` runs on every view that is not marked
`login_not_required`, so such a view's `request.user` is always a `User`. Annotating the view with
`AuthenticatedHttpRequest` says so to the type checker, instead of narrowing
`User | AnonymousUser` in every view.
"""

from django.http import HttpRequest

from agencies.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
