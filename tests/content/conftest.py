"""Fixtures shared by the content tests: the guidance draft the workflow tests submit, and the
second content editor who takes its content check (2i)."""

from __future__ import annotations

import pytest

from agencies.roles import Role
from content.services import guidance_workflow_ensure
from tests.conftest import _user
from tests.factories.content import guidance_index, guidance_page


@pytest.fixture
def draft(home_page, roles):
    """An unpublished guidance page under the guidance index, with the approval workflow on."""
    guidance_workflow_ensure()
    index = guidance_index(home_page)
    return guidance_page(index, title="Joint case strategy meetings", slug="joint-meetings", publish=False)


@pytest.fixture
def checker(roles, national_agency):
    """A second content editor, who takes the content check (2i)."""
    return _user(Role.CONTENT_EDITOR, national_agency, "checker@test-gov.example.org")
