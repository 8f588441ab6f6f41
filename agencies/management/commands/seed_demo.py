"""Load the fictional demo data of every app. Idempotent; refused when DEBUG is off unless forced.

Ends with a short summary (where the site is, the demo accounts, how to get a sign-in code, where
the emails go): `make run` prints it before it starts serving."""

import logging
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# Wagtail logs every page it creates, edits and publishes at INFO: dozens of lines while seeding.
QUIET_LOGGERS = ("wagtail",)


class Command(BaseCommand):
    help = "Create fictional demo agencies, accounts and content (each app's demo.seed). Safe to re-run."

    def add_arguments(self, parser):
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
        verbose = int(options.get("verbosity", 1)) > 1
        quieted = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
        if not verbose:
            for name in quieted:
                logging.getLogger(name).setLevel(logging.WARNING)
        try:
            for config in ordered:
                try:
                    module = import_module(f"{config.name}.demo")
                except ModuleNotFoundError:
                    continue
                module.seed(stdout=self.stdout)
            import_module("agencies.victims.demo").seed(stdout=self.stdout)  # the VLO directory (issue 16)
        finally:
            for name, level in quieted.items():
                logging.getLogger(name).setLevel(level)
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        for line in summary():
            self.stdout.write(line)


def mail_destination() -> str:
    backend = settings.EMAIL_BACKEND
    if backend == "config.observability.email.ObservedEmailBackend":  # logs, then hands over to:
        backend = settings.EMAIL_DELIVERY_BACKEND
    if backend == "django.core.mail.backends.filebased.EmailBackend":
        return f"files in {settings.EMAIL_FILE_PATH}/ (one per message)"
    if backend == "django.core.mail.backends.console.EmailBackend":
        return "printed in this terminal"
    if backend == "django.core.mail.backends.locmem.EmailBackend":
        return "kept in memory (tests)"
    return f"sent through {backend} ({settings.EMAIL_HOST}:{settings.EMAIL_PORT})"


def summary() -> list[str]:
    """What someone who just ran `make run` needs: the address, the accounts, a sign-in code."""
    from agencies.demo import DEMO_PASSWORD, DEMO_TOTP_SECRETS, USERS

    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    lines = [
        "",
        f"Site:      {base}/",
        f"Accounts:  every demo account's password is {DEMO_PASSWORD}",
    ]
    for spec in USERS:
        note = "  (two-factor: see below)" if spec.email in DEMO_TOTP_SECRETS else ""
        lines.append(f"  {spec.role.value:<18} {spec.email}{note}")
    example = next(spec.email for spec in USERS if spec.email in DEMO_TOTP_SECRETS)
    lines += [
        "  More (panel chair, second coordinators, evaluator): README.md, Demo accounts.",
        f"Sign-in code for a two-factor account: make demo-code EMAIL={example}",
        f"Emails:    {mail_destination()}",
    ]
    return lines
