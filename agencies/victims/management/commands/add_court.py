"""Add courts to a CPS area's reference list, which Area leads pick the courts their VLO team
covers from. Idempotent: a court already listed in that area is left as it is."""

from django.core.management.base import BaseCommand, CommandError

from agencies.errors import ServiceError, messages_of
from agencies.victims import services


class Command(BaseCommand):
    help = "Add courts to a CPS area's list: add_court AREA_CODE 'Name of court' ['Another court' ...]"

    def add_arguments(self, parser):
        parser.add_argument("area_code", help="The CPS area's code, for example north-east.")
        parser.add_argument("names", nargs="+", help="The courts' names.")

    def handle(self, *args: object, area_code: str, names: list[str], **options: object) -> None:
        for name in names:
            try:
                court, created = services.court_add(area_code=area_code, name=name)
            except ServiceError as error:
                raise CommandError(" ".join(messages_of(error))) from error
            self.stdout.write(f"{'Added' if created else 'Already listed'}: {court.name}")
