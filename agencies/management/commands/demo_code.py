"""Print the current two-factor code of a demo account (`make demo-code EMAIL=...`), and nothing else."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Print the current 6-digit authenticator code of a demo account with a published key."

    def add_arguments(self, parser):
        parser.add_argument("email", help="A demo account, e.g. coordinator@dalesford-cps.example.org")
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off.")

    def handle(self, *args: object, email: str, force: bool = False, **options: object) -> None:
        from agencies.demo import DEMO_TOTP_SECRETS, demo_code

        if not settings.DEBUG and not force:
            raise CommandError("demo_code is for the demo: it only runs with DEBUG on, or with --force.")
        address = email.strip().lower()
        if address not in DEMO_TOTP_SECRETS:
            known = "\n  ".join(sorted(DEMO_TOTP_SECRETS))
            raise CommandError(
                f"{email!r} has no published authenticator key (other demo accounts set up two-factor "
                f"authentication at first sign-in). Accounts with one:\n  {known}"
            )
        self.stdout.write(demo_code(address))
