"""Make the role groups match agencies.roles.ROLE_TABLE exactly."""

from django.core.management.base import BaseCommand

from agencies.services import roles_sync


class Command(BaseCommand):
    help = "Create or update the platform role groups so their permissions match agencies/roles.py exactly."

    def handle(self, *args: object, **options: object) -> None:
        report = roles_sync()
        for line in report:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS(f"Synced {len(report)} roles."))
