"""Permission sets from the cache (agencies.auth_backends.CachedPermissionsBackend): no permission
query on a warm page, and every change to what a person may do applies at their very next request,
seen through the test client (navigation and the views' own checks)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies import auth_backends, services
from agencies.models import User
from agencies.roles import Role
from tests.conftest import signed_in_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = "/account/notifications/"
DROPINS = "/dropins/"


def _permission_queries(client: Client, url: str = PAGE) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries if "auth_permission" in q["sql"]]


def _nav(client: Client) -> set[str]:
    """The service navigation's links on a page."""
    response = client.get(PAGE)
    assert response.status_code == 200
    return set(re.findall(r'govuk-service-navigation__link" href="([^"]+)"', response.content.decode()))


def _url(name: str) -> str:
    return reverse(name)


def test_a_warm_page_asks_no_permission_query(isva: User) -> None:
    client = signed_in_client(isva)
    cache.clear()
    assert len(_permission_queries(client)) == 2  # first request: user and group sets, stored
    assert _permission_queries(client) == []
    assert _permission_queries(client, DROPINS) == []


def test_each_person_gets_their_own_set(isva: User, host: User) -> None:
    isva_client, host_client = signed_in_client(isva), signed_in_client(host)
    for _ in range(2):  # second round from the cache
        assert _url("dropins:schedule-list") not in _nav(isva_client) and DROPINS in _nav(isva_client)
        assert _url("dropins:schedule-list") in _nav(host_client) and DROPINS not in _nav(host_client)
        assert isva_client.get(_url("dropins:schedule-list")).status_code == 403
        assert host_client.get(_url("dropins:schedule-list")).status_code == 200


def test_role_grant_and_removal_apply_at_the_next_request(platform_admin: User, isva: User) -> None:
    client = signed_in_client(isva)
    assert _url("dropins:schedule-list") not in _nav(client)
    assert _permission_queries(client) == []  # warm
    services.role_grant(actor=platform_admin, user=isva, role=Role.DROPIN_HOST.value)
    assert _url("dropins:schedule-list") in _nav(client)
    assert client.get(_url("dropins:schedule-list")).status_code == 200
    services.role_remove(actor=platform_admin, user=isva, role=Role.DROPIN_HOST.value)
    assert _url("dropins:schedule-list") not in _nav(client)
    assert client.get(_url("dropins:schedule-list")).status_code == 403


def test_group_permission_changed_from_either_side_applies_at_the_next_request(isva: User) -> None:
    client = signed_in_client(isva)
    assert client.get(DROPINS).status_code == 200
    assert _permission_queries(client, DROPINS) == []  # warm
    group = Group.objects.get(name=Role.ISVA.value)
    permission = Permission.objects.get(content_type__app_label="agencies", codename="book_dropins")
    group.permissions.remove(permission)
    assert client.get(DROPINS).status_code == 403
    permission.group_set.add(group)  # from the permission's side
    assert client.get(DROPINS).status_code == 200
    permission.group_set.clear()
    assert client.get(DROPINS).status_code == 403


def test_a_deleted_group_takes_its_permissions_at_once(isva: User) -> None:
    client = signed_in_client(isva)
    assert client.get(DROPINS).status_code == 200
    Group.objects.get(name=Role.ISVA.value).delete()  # cascades, no m2m signal
    assert client.get(DROPINS).status_code == 403


def test_roles_sync_applies_at_the_next_request(isva: User) -> None:
    group = Group.objects.get(name=Role.ISVA.value)
    group.permissions.add(Permission.objects.get(codename="host_dropins"))
    client = signed_in_client(isva)
    assert _url("dropins:schedule-list") in _nav(client)
    assert _url("dropins:schedule-list") in _nav(client)  # from the cache
    services.roles_sync()
    assert _url("dropins:schedule-list") not in _nav(client)


class _FormFields(HTMLParser):
    """The values a browser would submit for the first form with method=post."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._in_form = True
        if tag == "option" and self._select is not None and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))
        if not self._in_form or "name" not in a or "disabled" in a or "__prefix__" in a["name"]:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields.append((a["name"], ""))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            name, value = self.fields.pop()
            self.fields.append((name, value + data))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def test_wagtail_group_editor_change_applies_at_the_next_request(editor: User, national_agency) -> None:
    """A superuser takes 'access the CMS' from the Content editor group in Wagtail's group editor:
    the editor's next request has no CMS link and the CMS refuses them."""
    editor_client = signed_in_client(editor)
    assert _url("wagtailadmin_home") in _nav(editor_client)
    assert editor_client.get("/cms/").status_code == 200
    assert _url("wagtailadmin_home") in _nav(editor_client)  # now from the cache

    root = UserFactory(email="root@test-gov.example.org", agency=national_agency, is_superuser=True)
    admin_client = signed_in_client(root)
    group = Group.objects.get(name=Role.CONTENT_EDITOR.value)
    edit_url = reverse("wagtailusers_groups:edit", args=[group.pk])
    page = admin_client.get(edit_url)
    assert page.status_code == 200
    parser = _FormFields()
    parser.feed(page.content.decode())
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    fields = parser.fields
    assert ("permissions", str(access.pk)) in fields  # the form shows the grant we take away
    data: dict[str, list[str]] = {}
    for name, value in fields:
        if (name, value) != ("permissions", str(access.pk)):
            data.setdefault(name, []).append(value)
    response = admin_client.post(edit_url, data)
    assert response.status_code == 302, response.content.decode()
    assert not group.permissions.filter(pk=access.pk).exists()

    assert _url("wagtailadmin_home") not in _nav(editor_client)
    assert editor_client.get("/cms/").status_code in {302, 403}


def test_deactivation_signs_out_at_the_next_request(platform_admin: User, isva: User) -> None:
    client = signed_in_client(isva)
    assert client.get(DROPINS).status_code == 200
    services.account_deactivate(actor=platform_admin, user=isva)
    response = client.get(DROPINS)
    assert response.status_code == 302 and response["Location"].startswith("/account/sign-in/")


def test_superuser_flag_flip_applies_at_the_next_request(national_agency) -> None:
    person = UserFactory(email="flip@test-gov.example.org", agency=national_agency, is_superuser=True)
    client = signed_in_client(person)
    assert _url("governance:index") in _nav(client)
    assert _url("governance:index") in _nav(client)  # cached: every permission
    person.is_superuser = False
    person.save()
    assert _url("governance:index") not in _nav(client)
    assert client.get(reverse("governance:index")).status_code == 403


def test_superuser_flag_changed_behind_the_signals_still_applies(national_agency) -> None:
    """An UPDATE that does not move access_version (raw, shell): the key carries the flag."""
    person = UserFactory(email="flip@test-gov.example.org", agency=national_agency, is_superuser=True)
    client = signed_in_client(person)
    assert _url("governance:index") in _nav(client)
    User.objects.filter(pk=person.pk).update(is_superuser=False)
    assert _url("governance:index") not in _nav(client)


def test_a_stale_in_memory_account_sees_its_own_membership_change(isva: User) -> None:
    """The instance whose groups change gets its new access version (consumers hold one)."""
    assert isva.has_perm("agencies.book_dropins")
    isva.groups.clear()
    assert not isva.has_perm("agencies.book_dropins")


def test_nothing_is_stored_inside_an_application_transaction_that_rolls_back(isva: User) -> None:
    host_group = Group.objects.get(name=Role.DROPIN_HOST.value)
    version = User.objects.get(pk=isva.pk).access_version
    with pytest.raises(RuntimeError), transaction.atomic():
        isva.groups.add(host_group)
        assert isva.has_perm("agencies.host_dropins")  # read inside the transaction
        raise RuntimeError("rolled back")
    assert cache.get(auth_backends.ENTRY_KEY.format(user_id=isva.pk)) is None
    # The version issued inside the transaction is issued again by the next change.
    fresh = User.objects.get(pk=isva.pk)
    assert fresh.access_version == version
    Group.objects.get(name=Role.PLATFORM_ADMIN.value)  # unrelated read
    fresh.groups.add(Group.objects.get(name=Role.CONTENT_EDITOR.value))
    again = User.objects.get(pk=isva.pk)
    assert again.access_version == version + 1
    assert not again.has_perm("agencies.host_dropins")
    assert again.has_perm("wagtailadmin.access_admin")


def test_inactive_and_anonymous_get_nothing(isva: User) -> None:
    backend = auth_backends.CachedPermissionsBackend()
    isva.is_active = False
    assert backend.get_all_permissions(isva) == set()
    from django.contrib.auth.models import AnonymousUser

    assert backend.get_all_permissions(AnonymousUser()) == set()
