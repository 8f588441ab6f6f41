"""CSV and XLSX writers for evaluation exports: aggregate, suppressed rows only."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Font

HEADER = ("Scope", "Section", "Measure", "Breakdown", "Value")
Row = tuple[str, str, str, str, int | float | str]
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Neutralise spreadsheet formula injection in text cells (names of themes and agencies)."""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def _clean(row: Row) -> list[int | float | str]:
    return [safe_text(v) if isinstance(v, str) else v for v in row]


def to_csv(rows: Iterable[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow(_clean(row))
    # BOM so Excel opens it as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows: Iterable[Row]) -> bytes:
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = "Governance figures"
    sheet.append(list(HEADER))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(_clean(row))
    for column, width in zip("ABCDE", (28, 26, 40, 40, 14), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
