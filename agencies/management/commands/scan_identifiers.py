"""Check a document for personal identifiers before uploading it: one JSON line per hit."""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from agencies.privacy.identifiers import ALL_KINDS, find_identifiers


class Command(BaseCommand):
    help = (
        "Scan a UTF-8 text file (or standard input, with -) for personal identifiers and print each "
        "hit as a JSON line: kind, start, end (character offsets) and the matched text."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="A UTF-8 text file, or - for standard input.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"]
        try:
            if path == "-":
                data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
            else:
                data = Path(path).read_bytes()
            text = data.decode("utf-8") if isinstance(data, bytes) else data
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {path}") from exc
        except IsADirectoryError as exc:
            raise CommandError(f"{path} is a directory, not a text file.") from exc
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{'Standard input' if path == '-' else path} is not UTF-8 text (byte {exc.start}). "
                "Convert it to UTF-8 first (a PDF or Word document must be saved as text)."
            ) from exc
        if text.startswith("\ufeff"):
            text = " " + text[1:]  # a byte-order mark: keep offsets, do not read it as text
        for hit in find_identifiers(text, ALL_KINDS):
            self.stdout.write(
                json.dumps(
                    {
                        "kind": hit.kind.value,
                        "start": hit.start,
                        "end": hit.end,
                        "text": text[hit.start : hit.end],
                    },
                    ensure_ascii=False,
                )
            )
