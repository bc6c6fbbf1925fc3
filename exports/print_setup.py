"""How a ledger sheet prints: A4 landscape, the header row on every page, the identifying columns
(职工编号, 姓名) on every page, and one page across per form section where a section fits.

A worksheet of 70-odd columns cannot be fitted to one page's width and stay readable; it is printed at a
fixed scale instead, with vertical page breaks placed between sections (a section wider than a page
breaks inside itself). Narrow sheets (家庭成员, 附件) are fitted to the page width.

Fit to width per section was measured and not taken (12 households of tests/support/export_cases, LibreOffice
headless, median printed glyph box): one sheet at 70 % is 32 pages at 10.0 pt (~7.7 pt type); one sheet per
section fitted to width is 9 pages, but 住房、联系与工作 prints at 36 % (5.2 pt box), 帮扶计划 at 31 % (4.4 pt) and the
trailing columns at 4.6 pt, unreadable on paper; fit to the whole width is 4 pages at 0.9 pt. Most of the 32
pages are row height (a row is as tall as its tallest wrapped cell in any section): one sheet per section at
70 % prints 19 pages at 10.0 pt (rows sized by the same line estimate as here).
"""

from __future__ import annotations

from collections.abc import Sequence

from xlsxwriter.worksheet import Worksheet

from exports.columns import Column

A4 = 9
PRINT_SCALE = 70  # per cent: small but readable on paper
PAGE_UNITS = 150.0  # column-width units on one A4 landscape page at PRINT_SCALE (LibreOffice fits ~155)
LEAD = 2  # columns repeated on every page: 职工编号 and the next identifying one


def page_breaks(columns: Sequence[Column], *, lead: int = LEAD, page: float = PAGE_UNITS) -> list[int]:
    """Column indexes where a new printed page starts (``lead`` columns are on every page): pages are
    filled column by column; a full page ends at the last section boundary in its final quarter, so a
    section starts a page where that wastes little paper."""
    fixed = sum(c.width for c in columns[:lead])
    breaks: list[int] = []
    start, used = lead, fixed
    for j in range(lead, len(columns)):
        if used + columns[j].width > page and j > start:
            cut = j
            for k in range(j - 1, start, -1):  # the last section start on this page, if late enough
                if columns[k].section != columns[k - 1].section:
                    if fixed + sum(c.width for c in columns[start:k]) >= 0.75 * page:
                        cut = k
                    break
            breaks.append(cut)
            start, used = cut, fixed + sum(c.width for c in columns[cut:j])
        used += columns[j].width
    return breaks


def setup_print(ws: Worksheet, columns: Sequence[Column], *, lead: int = LEAD) -> None:
    """A4 landscape, header row repeated; wide sheets by section at PRINT_SCALE (the first ``lead``
    columns on every page), narrow ones fit to width."""
    ws.set_paper(A4)
    ws.set_landscape()
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.repeat_rows(0)
    ws.print_across()  # all the columns of the first households, then the next households
    total = sum(c.width for c in columns)
    if total <= PAGE_UNITS * 100 / PRINT_SCALE:
        ws.fit_to_pages(1, 0)
        return
    ws.set_print_scale(PRINT_SCALE)
    if len(columns) > lead:
        ws.repeat_columns(0, lead - 1)
    breaks = page_breaks(columns, lead=lead)
    if breaks:
        ws.set_v_pagebreaks(breaks)
