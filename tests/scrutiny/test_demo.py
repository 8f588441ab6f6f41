import pytest

from agencies.demo import seed as seed_agencies
from agencies.models import User
from agencies.roles import Role
from content.demo import THEMES
from content.models import Theme
from scrutiny.demo import EVALUATOR_EMAIL, seed
from scrutiny.models import Case, CaseStatus, CheckStatus, Extract, Meeting, Panel


@pytest.mark.django_db
def test_demo_seed_builds_two_panels_with_released_clean_cases_and_is_idempotent(roles) -> None:
    for name, slug in THEMES:
        Theme.objects.get_or_create(slug=slug, defaults={"name": name})
    seed_agencies()
    seed()
    seed()
    assert Panel.objects.count() == 2
    assert Case.objects.count() == 8
    assert not Case.objects.exclude(status=CaseStatus.RELEASED).exists()
    assert not Extract.objects.filter(check_status=CheckStatus.FLAGGED).exists()
    assert Meeting.objects.count() == 4
    evaluator = User.objects.get(email=EVALUATOR_EMAIL)
    assert list(evaluator.groups.values_list("name", flat=True)) == [Role.EVALUATOR.value]
