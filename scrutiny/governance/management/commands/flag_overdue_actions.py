from django.core.management.base import BaseCommand

from scrutiny.governance.overdue import flag_overdue_actions


class Command(BaseCommand):
    help = "Announce scrutiny actions that have become overdue (notifications and live dashboards)."

    def handle(self, *args: object, **options: object) -> None:
        flagged = flag_overdue_actions()
        self.stdout.write(f"Flagged {flagged} overdue action{'s' if flagged != 1 else ''}.")
