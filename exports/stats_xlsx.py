"""附件2 as the seed prints it: title, 填报单位/联系人/联系电话, then 序号 | 类别 | 数量 with 户数 and 人数 rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from exports.stats import StatRow
from exports.workbook import open_workbook
from flows.catalog import t

HEADER_ROWS = 3  # title, reporter line, column headings
QUANTITY_WIDTH = (9, 12)  # 户数/人数 and the number: what the table itself needs
TABLE_WIDTH = 62  # the four columns together: one A4 portrait page at 100 %


def text_width(text: str) -> int:
    """Columns a text takes in a spreadsheet cell: a Chinese character about two, anything else one."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


@dataclass(frozen=True)
class Reporter:
    """Who files the table: the three blanks at its top."""

    unit: str = ""
    contact: str = ""
    phone: str = ""


def write_stats(rows: Sequence[StatRow], out: str | Path, *, reporter: Reporter, scope: str, generated: str) -> None:
    """Write the 附件2 table to ``out``."""
    wb = open_workbook(out)
    try:
        ws = wb.add_worksheet(t("export.sheet.stats"))
        border = {"border": 1, "valign": "vcenter"}
        title = wb.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
        plain = wb.add_format({"valign": "vcenter"})
        head = wb.add_format({**border, "bold": True, "align": "center"})
        center = wb.add_format({**border, "align": "center"})
        label = wb.add_format({**border, "text_wrap": True})
        number = wb.add_format({**border, "num_format": "0", "align": "right"})
        note = wb.add_format({"text_wrap": True, "valign": "top", "font_size": 9})

        # The reporter line shares the table's columns: 联系人 over column C, 联系电话 over D, each column as
        # wide as its text (plus a margin) so nothing runs over the border or is cut; B gives back the
        # difference while it can, so the table keeps its printed width.
        contact, phone = t("export.stats.contact", name=reporter.contact), t("export.stats.phone", phone=reporter.phone)
        c_width = max(QUANTITY_WIDTH[0], text_width(contact) + 3)
        d_width = max(QUANTITY_WIDTH[1], text_width(phone) + 3)
        b_width = max(24, TABLE_WIDTH - 7 - c_width - d_width)
        ws.set_column(0, 0, 7)
        ws.set_column(1, 1, b_width)
        ws.set_column(2, 2, c_width)
        ws.set_column(3, 3, d_width)
        ws.set_row(0, 30)
        ws.merge_range(0, 0, 0, 3, t("export.stats.title"), title)
        ws.merge_range(1, 0, 1, 1, t("export.stats.reporter", unit=reporter.unit), plain)
        ws.write_string(1, 2, contact, plain)
        ws.write_string(1, 3, phone, plain)
        ws.write_string(2, 0, t("export.stats.no"), head)
        ws.write_string(2, 1, t("export.stats.category"), head)
        ws.merge_range(2, 2, 2, 3, t("export.stats.quantity"), head)
        households, people = t("export.stats.households"), t("export.stats.people")
        for i, row in enumerate(rows):
            r = HEADER_ROWS + 2 * i
            ws.merge_range(r, 0, r + 1, 0, row.no, center)
            ws.merge_range(r, 1, r + 1, 1, row.label, label)
            ws.write_string(r, 2, households, center)
            ws.write_number(r, 3, row.households, number)
            ws.write_string(r + 1, 2, people, center)
            ws.write_number(r + 1, 3, row.people, number)
        end = HEADER_ROWS + 2 * len(rows)
        ws.set_row(end, 45)
        ws.merge_range(end, 0, end, 3, t("export.stats.scope", scope=scope), note)
        ws.merge_range(end + 1, 0, end + 1, 3, t("export.stats.generated", at=generated), note)
        ws.set_paper(9)  # A4
        ws.set_portrait()
        ws.fit_to_pages(1, 1)
        ws.center_horizontally()
    finally:
        wb.close()
