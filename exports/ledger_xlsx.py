"""电子台账 (XLSX): households, family members and attachments, streamed row by row in constant memory."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from exports.columns import Column, GroupTable, MonthDate, display_width, group_tables, household_columns
from exports.print_setup import setup_print
from exports.workbook import open_workbook
from flows.catalog import t
from flows.form import Form


LINE_HEIGHT = 15  # points: one line of the default 11-pt font
MAX_LINES = 20  # a row never taller than this (Excel's limit is 409 pt)


def lines(text: str, width: float) -> int:
    """Lines a text takes wrapped in a column ``width`` units wide (a Chinese character is two units)."""
    total = 0
    for part in text.split("\n"):
        total += max(1, -(-display_width(part) // max(int(width), 1)))
    return total


class _Sheet:
    """One worksheet being filled top to bottom (constant_memory flushes each finished row)."""

    def __init__(self, ws: Worksheet, columns: Sequence[Column], formats: dict[str, Format], *, lead: int = 2) -> None:
        """Set widths, freeze, the page setup (``lead`` columns on every printed page) and the header row."""
        self.ws = ws
        self.row = 0
        # Precomputed once: (getter, number format) per column, so the row loop does no lookups.
        self.plan = [(c.get, formats["money"] if c.money else None) for c in columns]
        self.fmt_date, self.fmt_month, self.fmt_dt = formats["date"], formats["month"], formats["datetime"]
        self.fmt_text = formats["text"]
        self.widths = [c.width - 1 for c in columns]  # what a wrapped line holds (the cell's padding off)
        for i, c in enumerate(columns):
            ws.set_column(i, i, c.width)
        ws.freeze_panes(1, 0)
        setup_print(ws, columns, lead=lead)
        for i, c in enumerate(columns):
            ws.write_string(0, i, c.header, formats["header"])
        ws.set_row(0, LINE_HEIGHT * max(lines(c.header, w) for c, w in zip(columns, self.widths)))

    def write(self, row: Any, data: Any) -> None:
        """Append one row; values are typed by the getters (str, int, float, date, datetime)."""
        self.row += 1
        r = self.row
        ws = self.ws
        widths = self.widths
        height = 1
        for c, (get, num_fmt) in enumerate(self.plan):
            v = get(row, data)
            if v is None:
                continue
            tp = type(v)
            if tp is str:
                ws.write_string(r, c, v, self.fmt_text)
                if 2 * len(v) > widths[c]:  # may wrap: the row grows so a printed cell is never cut
                    height = max(height, lines(v, widths[c]))
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
        if height > 1:
            ws.set_row(r, LINE_HEIGHT * min(height, MAX_LINES))  # constant_memory: before the next row

    def finish(self) -> None:
        """Filters over the header and every written row."""
        self.ws.autofilter(0, 0, max(self.row, 1), len(self.plan) - 1)


def _formats(wb: xlsxwriter.Workbook) -> dict[str, Format]:
    return {
        "header": wb.add_format({"bold": True, "text_wrap": True, "valign": "vcenter", "bg_color": "#DDEBF7",
                                 "border": 1}),
        "text": wb.add_format({"text_wrap": True, "valign": "top"}),  # printed whole, never cut at the border
        "money": wb.add_format({"num_format": "0.00", "valign": "top"}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd", "valign": "top"}),
        "month": wb.add_format({"num_format": "yyyy-mm", "valign": "top"}),
        "datetime": wb.add_format({"num_format": "yyyy-mm-dd hh:mm", "valign": "top"}),
    }


def identity_columns(columns: Sequence[Column]) -> int:
    """How many leading columns identify a household on a printed page: up to and with the first 姓名-like
    one (职工编号, 困难类别, 姓名), at most three."""
    name = t("export.col.name")
    for i, c in enumerate(columns[:3]):
        if c.header == name:
            return i + 1
    return 2


def write_ledger(rows: Iterable[Any], form: Form, out: str | Path, *, tz: tzinfo,
                 extra: Sequence[Column] = (), marks: Sequence[Column] = ()) -> int:
    """Write the 电子台账 for ``rows`` (household select rows, in order) to ``out``; the household count.
    ``extra``: columns after the household's own (the 脱困档案库's, exports.closures); ``marks``: columns
    right after the identifying ones and printed with them on every page (the 返贫 mark, its date, reason, who)."""
    wb = open_workbook(out, constant_memory=True)
    try:
        formats = _formats(wb)
        own = household_columns(form, tz=tz)
        ids = identity_columns(own)
        columns = own[:ids] + tuple(marks) + own[ids:] + tuple(extra)
        main = _Sheet(wb.add_worksheet(t("export.sheet.households")), columns, formats, lead=ids + len(marks))
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
