"""results.xlsx and the CSV export: the finance tables for a spreadsheet.

Numbers are numeric cells with number formats (Excel shows them in the
reader's locale: '1 234,5' in a Swedish Excel); headers in the run's language;
text that a spreadsheet could take for a formula (it begins with =, +, -, @,
a tab or a carriage return) is neutralised with a leading apostrophe.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dashboards.labels import t
from dashboards.tables import Sheet, finance_tables
from model.rundata import RunData

#: Excel number formats by column format (locale-independent codes).
NUMBER_FORMATS = {
    "count": "#,##0",
    "places": "#,##0.0",
    "mnkr": "#,##0.0",
    "share": "0.0%",
    "year": "0",
    "auto": "General",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: object) -> object:
    """Text that cannot run as a formula in a spreadsheet; numbers pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def sheet_name(sheet: Sheet, lang: str) -> str:
    """The sheet's name in the run's language (Excel allows 31 characters, no []:*?/\\)."""
    key, _, suffix = sheet.key.partition(":")
    name = t(key, lang) + (f" {suffix}" if suffix else "")
    return "".join(c for c in name if c not in "[]:*?/\\")[:31]


def write_results_xlsx(folder: Path, data: RunData) -> Path:
    """Write ``results.xlsx`` into the run folder (atomically: a temporary file, then renamed)."""
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="F4F6F8")
    for sheet in finance_tables(data):
        ws = wb.create_sheet(sheet_name(sheet, data.lang))
        start = 1
        if sheet.note:
            ws.cell(row=1, column=1, value=safe_text(sheet.note)).font = Font(italic=True)
            start = 3
        for j, h in enumerate(sheet.header, 1):
            c = ws.cell(row=start, column=j, value=safe_text(h))
            c.font, c.fill = bold, head_fill
            c.alignment = Alignment(wrap_text=True, vertical="top")
        for i, row in enumerate(sheet.rows, start + 1):
            for j, (value, fmt) in enumerate(zip(row, sheet.formats, strict=True), 1):
                c = ws.cell(row=i, column=j, value=safe_text(value))
                if isinstance(value, int | float) and not isinstance(value, bool):
                    c.number_format = NUMBER_FORMATS.get(fmt, "General")
        for j, h in enumerate(sheet.header, 1):
            width = max(
                [
                    len(str(h)),
                    *(
                        len(f"{r[j - 1]:.1f}" if isinstance(r[j - 1], float) else str(r[j - 1] or ""))
                        for r in sheet.rows
                    ),
                ]
            )
            ws.column_dimensions[get_column_letter(j)].width = min(max(10, width + 2), 60)
        ws.freeze_panes = ws.cell(row=start + 1, column=2)
    return save_reproducibly(wb, folder / "results.xlsx")


#: The time written into a workbook (properties and zip entries): fixed, so identical runs give identical bytes.
FIXED_TIME = dt.datetime(2000, 1, 1)


def save_reproducibly(wb: Workbook, path: Path) -> Path:
    """Save ``wb`` to ``path`` atomically and without the current time in it."""
    wb.properties.created = wb.properties.modified = FIXED_TIME
    wb.properties.creator = "amsim"
    buffer = io.BytesIO()
    wb.save(buffer)
    tmp = path.with_name(f".{path.name}.tmp")
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving here
                stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>" + stamp + rb"\g<2>", data)
            out.writestr(fixed, data)
    os.replace(tmp, path)
    return path


def write_csv(folder: Path, data: RunData) -> Path:
    """The same tables as CSV files in ``csv/`` (UTF-8 with BOM, so Excel reads å, ä and ö)."""
    out = folder / "csv"
    out.mkdir(exist_ok=True)
    for sheet in finance_tables(data):
        stem = sheet.key.replace("x_", "").replace(":", "_")
        with (out / f"{stem}.csv").open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([safe_text(h) for h in sheet.header])
            for row in sheet.rows:
                w.writerow(["" if v is None else safe_text(v) for v in row])
    return out
