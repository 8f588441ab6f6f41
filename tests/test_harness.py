"""The test harness itself (tests/conftest.py): what one test leaves behind must not change what
the next one sees, in any order and in any process that serves the run (docs/DEVELOPING.md)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from wagtail.models import Collection, Page


@pytest.mark.django_db(transaction=True)
def test_the_flush_keeps_content_type_and_permission_ids() -> None:
    """A live daphne process caches content types by id for the whole run; a flush that made them
    again under new ids left its search filtering on ids that no longer existed."""
    content_types = dict(ContentType.objects.values_list("model", "pk"))
    permissions = dict(Permission.objects.values_list("codename", "pk"))
    page_type = ContentType.objects.get_for_model(Page).pk

    call_command("flush", interactive=False, verbosity=0)

    assert not Collection.objects.exists()  # the flush did empty the other tables
    assert dict(ContentType.objects.values_list("model", "pk")) == content_types
    assert dict(Permission.objects.values_list("codename", "pk")) == permissions
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(Page).pk == page_type


@pytest.mark.django_db
def test_an_ordinary_test_sees_the_migration_made_data() -> None:
    """Whatever ran before (a transactional test's flush included), the tree root, the root
    collection and the role groups are there."""
    assert Page.get_first_root_node() is not None
    assert Collection.get_first_root_node() is not None
