"""Demo content for `manage.py seed_demo`."""

from content.models import Theme
from content.services import site_root_ensure

# The Annual Rape Scrutiny Report headings and the joint national action plan themes.
THEMES = (
    ("Case strategy", "case-strategy"),
    ("Pre-charge decision making", "pre-charge"),
    ("Post-charge case progression", "post-charge"),
    ("Victim support and communication", "victim-support"),
    ("Prosecutor support and wellbeing", "prosecutor-support"),
    ("Police-CPS joint working", "joint-working"),
    ("Disclosure and third-party material", "disclosure"),
)


def seed(*, stdout: object = None) -> None:
    site_root_ensure()
    for name, slug in THEMES:
        Theme.objects.get_or_create(slug=slug, defaults={"name": name})
