"""Remind Area leads whose VLO team details were last confirmed more than a quarter ago (or never).
Each reminder is an in-app notification to every active Area lead of the area; a team is reminded
at most once every REMIND_EVERY_DAYS while it stays unconfirmed. Safe to run from cron daily."""

from django.core.management.base import BaseCommand

from agencies.victims import services


class Command(BaseCommand):
    help = "Remind Area leads to confirm VLO team details older than a quarter (safe to run repeatedly)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List the reminders due; send nothing.")

    def handle(self, *args: object, dry_run: bool = False, **options: object) -> None:
        due = services.reminders_due() if dry_run else services.vlo_reminders_send()
        for reminder in due:
            confirmed = reminder.team.last_confirmed_on
            when = confirmed.isoformat() if confirmed else "never"
            self.stdout.write(
                f"{reminder.team.area.name}: last confirmed {when}, {len(reminder.leads)} area lead(s)"
            )
        verb = "due" if dry_run else "sent"
        self.stdout.write(f"VLO team reminders {verb}: {len(due)}")
