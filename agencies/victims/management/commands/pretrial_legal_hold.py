"""Put a pre-trial meeting request on legal hold (the retention job then keeps its URN), or lift
the hold with --clear. Run by an operator on a data protection officer's instruction; audited."""

from django.core.management.base import BaseCommand, CommandError

from agencies.errors import ServiceError, messages_of
from agencies.victims.meetings import services


class Command(BaseCommand):
    help = "Set or clear a legal hold on a pre-trial meeting request: ID --reason '...' [--clear]"

    def add_arguments(self, parser):
        parser.add_argument("request_id", type=int, help="The request's id (PTM-00042 is 42).")
        parser.add_argument("--reason", required=True, help="Why (no names).")
        parser.add_argument("--clear", action="store_true", help="Lift the hold instead of setting it.")

    def handle(self, *args: object, request_id: int, reason: str, clear: bool, **options: object) -> None:
        try:
            request = services.meeting_legal_hold_set(request_id=request_id, hold=not clear, reason=reason)
        except ServiceError as error:
            raise CommandError(" ".join(messages_of(error))) from error
        self.stdout.write(f"{request.reference}: legal hold {'cleared' if clear else 'set'}.")
