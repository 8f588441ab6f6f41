"""How long the identifier detector takes on a 5,000-word text of panel prose, beside a baseline
measured in the same run: one pass of a single plain regex (UK phone numbers) over the same text.

    .venv/bin/python -m bench.identifier_speed [--rounds 7] [--words 5000]

Prints the median and spread of each, interleaved (A B A B ...), and their ratio. The first call
of a process loads the name lists and dictionaries; that load is timed and printed separately."""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "agencies" / "identifier_corpus.jsonl"
BASELINE = re.compile(r"(?:\+44|0044|0)\s?7\d{3}\s?\d{6}")


def _text(words: int) -> str:
    sentences = [json.loads(line)["text"] for line in CORPUS.read_text().splitlines() if line.strip()]
    out: list[str] = []
    while len(out) < words:
        out.extend(sentences[len(out) % len(sentences)].split())
    return " ".join(out[:words])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=7, choices=range(1, 51), metavar="1-50")
    parser.add_argument("--words", type=int, default=5000, choices=range(100, 50001), metavar="100-50000")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.bench_settings")
    from bench.stack import print_differences

    print_differences()
    import django

    django.setup()
    from agencies.privacy.identifiers import ALL_KINDS, find_identifiers

    text = _text(args.words)
    started = time.perf_counter()
    find_identifiers("warm the name lists up, Sarah")
    load = time.perf_counter() - started
    detector, baseline = [], []
    for _ in range(args.rounds):
        started = time.perf_counter()
        BASELINE.findall(text)
        baseline.append(time.perf_counter() - started)
        started = time.perf_counter()
        hits = find_identifiers(text, ALL_KINDS)
        detector.append(time.perf_counter() - started)
    print(f"text: {args.words} words, {len(text)} characters, {len(hits)} hits; first-call load {load:.2f} s")
    print(f"load average: {os.getloadavg()[0]:.1f}")
    for name, values in (("baseline (one phone regex)", baseline), ("find_identifiers", detector)):
        print(
            f"{name:28} median {statistics.median(values) * 1000:9.1f} ms  "
            f"min {min(values) * 1000:9.1f}  max {max(values) * 1000:9.1f}"
        )
    print(f"ratio detector / baseline: {statistics.median(detector) / statistics.median(baseline):.0f}x")


if __name__ == "__main__":
    main()
