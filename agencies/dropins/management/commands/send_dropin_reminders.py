"""Send the 24-hour reminder for every confirmed booking that is due one. Idempotent: each booking
is claimed by a conditional UPDATE before its email goes, so cron, a db_worker and the deferred
task can all run it and a booking still gets exactly one reminder."""

from django.core.management.base import BaseCommand

from agencies.dropins.tasks import due_reminder_ids, send_reminder


class Command(BaseCommand):
    help = "Email the 24-hour reminder for drop-in bookings that are due one (safe to run repeatedly)."

    def handle(self, *args: object, **options: object) -> None:
        sent = queued = 0
        for booking_id in due_reminder_ids():
            result = send_reminder.enqueue(booking_id)
            if not result.is_finished:
                queued += 1  # a deferring backend runs it later; the claim still makes it once-only
            elif result.return_value:
                sent += 1
        self.stdout.write(f"Drop-in reminders sent: {sent}, queued: {queued}")
