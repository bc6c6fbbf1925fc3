"""电子台账 (XLSX): households, family members and attachments, streamed row by row in constant memory."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from exports.columns import Column, GroupTable, MonthDate, group_tables, household_columns
from exports.workbook import open_workbook
from flows.catalog import t
from flows.form import Form


class _Sheet:
    """One worksheet being filled top to bottom (constant_memory flushes each finished row)."""

    def __init__(self, ws: Worksheet, columns: Sequence[Column], formats: dict[str, Format]) -> None:
        """Set widths, freeze and write the header row."""
        self.ws = ws
        self.row = 0
        # Precomputed once: (getter, number format) per column, so the row loop does no lookups.
        self.plan = [(c.get, formats["money"] if c.money else None) for c in columns]
        self.fmt_date, self.fmt_month, self.fmt_dt = formats["date"], formats["month"], formats["datetime"]
        for i, c in enumerate(columns):
            ws.set_column(i, i, c.width)
        ws.freeze_panes(1, 0)
        for i, c in enumerate(columns):
            ws.write_string(0, i, c.header, formats["header"])

    def write(self, row: Any, data: Any) -> None:
        """Append one row; values are typed by the getters (str, int, float, date, datetime)."""
        self.row += 1
        r = self.row
        ws = self.ws
        for c, (get, num_fmt) in enumerate(self.plan):
            v = get(row, data)
            if v is None:
                continue
            tp = type(v)
            if tp is str:
                ws.write_string(r, c, v)
            elif tp is float or tp is int:
                ws.write_number(r, c, v, num_fmt)
            elif tp is date:
                ws.write_datetime(r, c, v, self.fmt_date)
            elif tp is datetime:
                ws.write_datetime(r, c, v, self.fmt_dt)
            elif tp is MonthDate:
                ws.write_datetime(r, c, v, self.fmt_month)
            else:
                ws.write_string(r, c, str(v))

    def finish(self) -> None:
        """Filters over the header and every written row."""
        self.ws.autofilter(0, 0, max(self.row, 1), len(self.plan) - 1)


def _formats(wb: xlsxwriter.Workbook) -> dict[str, Format]:
    return {
        "header": wb.add_format({"bold": True, "text_wrap": True, "valign": "vcenter", "bg_color": "#DDEBF7",
                                 "border": 1}),
        "money": wb.add_format({"num_format": "0.00"}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
        "month": wb.add_format({"num_format": "yyyy-mm"}),
        "datetime": wb.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
    }


def write_ledger(rows: Iterable[Any], form: Form, out: str | Path, *, tz: tzinfo) -> int:
    """Write the 电子台账 for ``rows`` (household select rows, in order) to ``out``; the household count."""
    wb = open_workbook(out, constant_memory=True)
    try:
        formats = _formats(wb)
        main = _Sheet(wb.add_worksheet(t("export.sheet.households")), household_columns(form, tz=tz), formats)
        tables: list[tuple[GroupTable, _Sheet]] = [
            (g, _Sheet(wb.add_worksheet(g.name[:31]), g.columns, formats)) for g in group_tables(form)]
        count = 0
        for row in rows:
            answers = (row.state or {}).get("answers") or {}
            main.write(row, answers)
            for table, sheet in tables:
                for item in answers.get(table.key) or ():
                    if isinstance(item, dict):
                        sheet.write(row, item)
            count += 1
        main.finish()
        for _, sheet in tables:
            sheet.finish()
    finally:
        wb.close()
    return count
