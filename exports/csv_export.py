"""The ledger as CSV (UTF-8 with BOM, so Excel reads the Chinese): households, plus one file per group."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from contextlib import ExitStack
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any

from exports.columns import Column, MonthDate, group_tables, household_columns
from flows.form import Form

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(v: Any, money: bool) -> str:
    """CSV text of a typed value; free text that Excel would run as a formula gets a leading apostrophe."""
    if v is None:
        return ""
    tp = type(v)
    if tp is str:
        return "'" + v if v.startswith(_FORMULA_START) else v
    if tp is float:
        return f"{v:.2f}" if money else format(v, "g")
    if tp is MonthDate:
        return v.strftime("%Y-%m")
    if tp is datetime:
        return v.strftime("%Y-%m-%d %H:%M")
    if tp is date:
        return v.isoformat()
    return str(v)


def group_path(out: Path, key: str) -> Path:
    """Where a group's file goes: ledger.csv -> ledger_members.csv."""
    return out.with_name(f"{out.stem}_{key}{out.suffix or '.csv'}")


class _Table:
    def __init__(self, fh: Any, columns: Sequence[Column]) -> None:
        self.writer = csv.writer(fh)
        self.plan = [(c.get, c.money) for c in columns]
        self.writer.writerow([c.header for c in columns])

    def write(self, row: Any, data: Any) -> None:
        self.writer.writerow([_cell(get(row, data), money) for get, money in self.plan])


def write_csv(rows: Iterable[Any], form: Form, out: str | Path, *, tz: tzinfo) -> tuple[int, list[Path]]:
    """Write the household table to ``out`` and each group (members, attachments) beside it; (count, paths)."""
    out = Path(out)
    paths = [out]
    with ExitStack() as stack:
        def open_csv(path: Path) -> Any:
            return stack.enter_context(path.open("w", encoding="utf-8-sig", newline=""))

        main = _Table(open_csv(out), household_columns(form, tz=tz))
        tables = []
        for g in group_tables(form):
            path = group_path(out, g.key)
            paths.append(path)
            tables.append((g.key, _Table(open_csv(path), g.columns)))
        count = 0
        for row in rows:
            answers = (row.state or {}).get("answers") or {}
            main.write(row, answers)
            for key, table in tables:
                for item in answers.get(key) or ():
                    if isinstance(item, dict):
                        table.write(row, item)
            count += 1
    return count, paths
