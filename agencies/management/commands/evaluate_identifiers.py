"""Recall and false-alarm rate of the identifier detector on a labelled corpus."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from agencies.privacy.evaluation import DEFAULT_CORPUS, CorpusError, evaluate, format_report, load_corpus


class Command(BaseCommand):
    help = (
        "Report the identifier detector's recall per kind and its false-alarm rate on a labelled "
        "JSON-lines corpus (default: tests/agencies/identifier_corpus.jsonl)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
        parser.add_argument("--details", action="store_true", help="List every miss and false alarm.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["corpus"])
        try:
            sentences = load_corpus(path)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 text.") from exc
        except CorpusError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        for line in format_report(evaluate(sentences), details=options["details"]):
            self.stdout.write(line)
