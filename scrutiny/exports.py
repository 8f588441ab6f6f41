"""CSV and XLSX exports, built only from `redact` output for the requester's audience. Every file
starts with the OFFICIAL-SENSITIVE marking and who exported it when (the watermark)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook

from scrutiny.presenters import MARKING

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@"}:
        return "'" + value  # no formula injection into spreadsheets
    return value


def table(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> list[list[Any]]:
    """Rows restricted to the given columns; a column the audience may not see stays empty."""
    return [[_cell(row.get(column)) for column in columns] for row in rows]


def watermark(user: Any) -> str:
    who = user.get_full_name() or f"account {user.pk}"
    return f"{MARKING}. Exported by {who} on {timezone.localtime():%d %B %Y at %H:%M}. Do not share further."


def respond(
    *, fmt: str, filename: str, columns: Sequence[str], rows: list[list[Any]], user: Any
) -> HttpResponse:
    header = [watermark(user)]
    if fmt == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Export"
        sheet.append(header)
        sheet.append(list(columns))
        for row in rows:
            sheet.append(row)
        workbook.properties.title = MARKING
        workbook.properties.keywords = MARKING
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    else:
        buffer_text = io.StringIO()
        writer = csv.writer(buffer_text)
        writer.writerow(header)
        writer.writerow(columns)
        writer.writerows(rows)
        response = HttpResponse(buffer_text.getvalue(), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
