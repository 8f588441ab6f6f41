import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from agencies import roles as roles_module
from agencies.permissions import Perm, has
from agencies.roles import ROLE_TABLE, Role, RoleSpec
from agencies.services import roles_sync

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _perms(group: Group) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    }


def test_sync_creates_one_group_per_role_with_exactly_its_permissions(home_page) -> None:
    roles_sync()
    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}
    for role, spec in ROLE_TABLE.items():
        group = Group.objects.get(name=role.value)
        assert _perms(group) == set(spec.permissions)
        page_perms = set(
            GroupPagePermission.objects.filter(group=group).values_list("permission__codename", flat=True)
        )
        assert page_perms == {f"{kind}_page" for kind in spec.page_permissions}
        collection_perms = set(
            GroupCollectionPermission.objects.filter(
                group=group, collection=Collection.get_first_root_node()
            ).values_list("permission__codename", flat=True)
        )
        assert collection_perms == set(spec.collection_permissions)


def test_sync_removes_permissions_added_by_hand(home_page) -> None:
    roles_sync()
    group = Group.objects.get(name=Role.ISVA.value)
    group.permissions.add(Permission.objects.get(codename="coordinate_cases"))
    GroupPagePermission.objects.create(group=group, page=home_page, permission_type="publish")
    roles_sync()
    assert _perms(group) == set(ROLE_TABLE[Role.ISVA].permissions)
    assert not GroupPagePermission.objects.filter(group=group).exists()


def test_sync_sets_collection_permissions_exactly(home_page) -> None:
    roles_sync()
    root = Collection.get_first_root_node()
    child = root.add_child(instance=Collection(name="Partner-only"))
    isva_group = Group.objects.get(name=Role.ISVA.value)
    GroupCollectionPermission.objects.create(
        group=isva_group, collection=root, permission=Permission.objects.get(codename="add_document")
    )
    editors = Group.objects.get(name=Role.CONTENT_EDITOR.value)
    GroupCollectionPermission.objects.create(
        group=editors, collection=child, permission=Permission.objects.get(codename="delete_document")
    )
    roles_sync()
    assert not GroupCollectionPermission.objects.filter(group=isva_group).exists()
    assert not GroupCollectionPermission.objects.filter(group=editors, collection=child).exists()


def test_content_editors_and_governance_may_upload_documents_and_images(
    editor, governance_member, isva, coordinator
) -> None:
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.permissions import policy_registry

    documents = policy_registry.get_by_type(get_document_model())
    images = policy_registry.get_by_type(get_image_model())

    for person in (editor, governance_member):
        assert documents.user_has_permission(person, "add"), person
        assert images.user_has_permission(person, "add"), person
        assert documents.user_has_permission(person, "choose"), person
    for person in (isva, coordinator):
        assert not documents.user_has_permission(person, "add"), person
        assert not images.user_has_permission(person, "add"), person


def test_a_content_editor_uploads_a_document_through_the_cms(editor) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from wagtail.documents import get_document_model

    from tests.conftest import signed_in_client

    client = signed_in_client(editor)
    response = client.post(
        "/cms/documents/add/",
        {
            "title": "Board minutes",
            "file": SimpleUploadedFile("minutes.pdf", PDF),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 302, response.content[:500]
    assert get_document_model().objects.filter(title="Board minutes").exists()


def test_sync_is_idempotent_and_has_a_command(home_page, capsys) -> None:
    call_command("sync_roles")
    call_command("sync_roles")
    assert Group.objects.filter(name=Role.ISVA.value).count() == 1
    assert f"Synced {len(Role)} roles." in capsys.readouterr().out


def test_an_unknown_permission_in_the_table_fails_loudly(home_page, monkeypatch) -> None:
    broken = {Role.ISVA: RoleSpec(description="x", permissions=frozenset({"agencies.no_such_perm"}))}
    monkeypatch.setattr(roles_module, "ROLE_TABLE", broken)
    with pytest.raises(LookupError, match="no_such_perm"):
        roles_sync()


def test_role_permissions_reach_users(isva, coordinator, governance_member, platform_admin) -> None:
    assert has(isva, Perm.BOOK_DROPINS)
    assert not has(isva, Perm.COORDINATE_CASES)
    assert not has(isva, Perm.ACCESS_CMS)
    assert has(coordinator, Perm.COORDINATE_CASES) and has(coordinator, Perm.SIT_ON_PANELS)
    assert has(governance_member, Perm.VIEW_GOVERNANCE) and has(governance_member, Perm.ACCESS_CMS)
    assert has(platform_admin, Perm.MANAGE_ACCOUNTS)
    # Admins manage accounts; they do not get case or panel rights by default.
    assert not has(platform_admin, Perm.COORDINATE_CASES) and not has(platform_admin, Perm.SIT_ON_PANELS)
    assert not platform_admin.is_superuser


def test_deactivated_accounts_have_no_permissions(isva) -> None:
    isva.is_active = False
    isva.save()
    assert not has(isva, Perm.BOOK_DROPINS)


def test_guardian_object_backend_is_wired(isva, cps_agency) -> None:
    from django.conf import settings
    from guardian.core import ObjectPermissionChecker

    assert "guardian.backends.ObjectPermissionBackend" in settings.AUTHENTICATION_BACKENDS
    checker = ObjectPermissionChecker(isva)
    assert checker.has_perm("change_agency", cps_agency) is False
