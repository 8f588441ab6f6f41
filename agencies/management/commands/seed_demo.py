"""Load the fictional demo data of every app. Idempotent; refused when DEBUG is off unless forced."""

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create fictional demo agencies, accounts and content (each app's demo.seed). Safe to re-run."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off.")

    def handle(self, *args: object, force: bool = False, **options: object) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with published passwords: "
                "it only runs with DEBUG on, or with --force."
            )
        # Content first (the site root the roles' page permissions hang on), then the rest in app order.
        ordered = sorted(
            (
                config
                for config in apps.get_app_configs()
                if config.name in {"agencies", "agencies.dropins", "content", "scrutiny"}
            ),
            key=lambda config: ("content", "agencies", "agencies.dropins", "scrutiny").index(config.name),
        )
        for config in ordered:
            try:
                module = import_module(f"{config.name}.demo")
            except ModuleNotFoundError:
                continue
            module.seed(stdout=self.stdout)
        import_module("agencies.victims.demo").seed(stdout=self.stdout)  # the VLO directory (issue 16)
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
