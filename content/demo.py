"""Demo content for `manage.py seed_demo`."""

from content.services import site_root_ensure


def seed(*, stdout: object = None) -> None:
    site_root_ensure()
