"""Accepting an invitation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from agencies import services
from agencies.forms import (
    AcceptInvitationForm,
)

# --- Invitations (accepting) -----------------------------------------------------------------------


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_from_token(token)
    if invitation is None:
        return render(request, "agencies/invitation_invalid.html", status=404)
    if request.user.is_authenticated:
        return render(request, "agencies/invitation_signed_in.html", status=409)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["new_password1"],
            )
        except ValidationError as exc:
            form.add_error("new_password1" if "password" in " ".join(exc.messages).lower() else None, exc)
        else:
            login(request, user, backend="agencies.auth_backends.CachedPermissionsBackend")
            services.sign_in_record(user=user)
            messages.success(request, f"Your account is ready. Welcome to {invitation.agency.name}.")
            return redirect("/")
    return render(request, "agencies/invitation_accept.html", {"form": form, "invitation": invitation})
