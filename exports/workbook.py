"""The one place an XLSX workbook is made: worker-typed text can never become a formula or a link.

Every writer (电子台账, 附件2, 对象公示, ...) opens its workbook here. xlsxwriter's defaults turn a string
starting with ``=`` into a live formula and ``http://...`` into a hyperlink; in a file that is printed
and posted in public, a 工作单位 ``=HYPERLINK("http://evil.example","点我")`` must stay the text it was typed as.
Writers still write text with ``write_string`` (see ``write_text_row``); these options are the safety net
for ``write``/``write_row``/``merge_range``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

SAFE_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def open_workbook(path: str | Path, *, constant_memory: bool = False) -> xlsxwriter.Workbook:
    """A workbook at ``path`` whose strings are always stored as text (no formulas, URLs or numbers)."""
    return xlsxwriter.Workbook(str(path), {**SAFE_OPTIONS, "constant_memory": constant_memory})


def write_cells(ws: Worksheet, row: int, col: int, values: Iterable[Any], fmt: Format | None = None) -> None:
    """One row of cells: numbers as numbers, everything else (text, None as empty) as text."""
    for c, v in enumerate(values, start=col):
        if isinstance(v, bool) or v is None:
            ws.write_string(row, c, "" if v is None else str(v), fmt)
        elif isinstance(v, (int, float)):
            ws.write_number(row, c, v, fmt)
        else:
            ws.write_string(row, c, str(v), fmt)
