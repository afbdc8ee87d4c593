"""The template files offered for download, generated from templates.py: a CSV (header and
example row) and an .xlsx (the same on sheet 1, every column documented on sheet "About")."""

from __future__ import annotations

import csv
import io

from data_access.imports.templates import template


def template_csv(kind: str) -> bytes:
    """UTF-8 with BOM (Excel opens it right), comma-delimited, header then the example row."""
    t = template(kind)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in t.columns])
    writer.writerow([c.example for c in t.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(kind: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    t = template(kind)
    book = Workbook()
    sheet = book.active
    sheet.title = kind
    sheet.append([c.name for c in t.columns])
    sheet.append([c.example or None for c in t.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(t.columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(12, len(column.name) + 2)
        if column.type in ("key", "text", "ref", "longtext", "choice", "date", "month"):
            sheet.cell(row=2, column=index).number_format = "@"   # typed as text: no guessing
    about = book.create_sheet("About")
    about.append(["column", "description"])
    for column in t.columns:
        about.append([column.name, column.describe])
    about.append([])
    about.append(["keys", f"{t.doc} Rows are matched on: {', '.join(t.key)}."])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def documentation(kind: str) -> list[dict[str, str]]:
    """Rows of the template's column table shown on the page."""
    return [{"column": c.name, "required": "yes" if c.required else "",
             "description": c.describe, "example": c.example} for c in template(kind).columns]
