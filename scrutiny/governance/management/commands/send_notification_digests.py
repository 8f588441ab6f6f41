from django.core.management.base import BaseCommand

from scrutiny.governance.services import notification_digests_send


class Command(BaseCommand):
    help = "Email each opted-in person a digest of their unread notifications (run hourly or daily)."

    def handle(self, *args: object, **options: object) -> None:
        sent = notification_digests_send()
        self.stdout.write(f"Sent {sent} notification digest{'s' if sent != 1 else ''}.")
