"""The ledger's columns, derived once from the form: header, value getter and width, shared by XLSX and CSV."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone, tzinfo
from typing import Any

from flows.catalog import t
from flows.categories import CATEGORIES
from flows.consistency import stored_checks
from flows.form import Field, Form, Section

# A getter reads one cell from the database row and the answers (or one group item) of that household.
Getter = Callable[[Any, Mapping[str, Any]], Any]


class MonthDate(date):
    """A date known only to the month (工作时间 "1995-07"): written as a date cell shown as 1995-07."""


@dataclass(frozen=True)
class Column:
    """One ledger column: its header, how to read its value, whether it is money, and its width."""

    header: str
    get: Getter
    money: bool = False
    width: float = 12
    section: str = ""  # the form section it belongs to: printed pages break between sections


@dataclass(frozen=True)
class GroupTable:
    """A repeating group of the form (家庭成员, 附件) as its own table: one row per item."""

    key: str
    name: str
    columns: tuple[Column, ...]


def display_width(text: str) -> int:
    """Columns a text needs in Excel: CJK characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _money(v: Any) -> float | str:
    try:
        return float(v)
    except (TypeError, ValueError):
        return str(v)


def _int(v: Any) -> int | str:
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    s = str(v)
    return int(s) if s.isdecimal() else s


def _date(v: Any) -> date | str:
    s = str(v)
    try:
        if len(s) == 7:
            return MonthDate(int(s[:4]), int(s[5:7]), 1)
        return date.fromisoformat(s[:10])
    except ValueError:
        return s


def _text(v: Any) -> str:
    return v if isinstance(v, str) else str(v)


def _converter(f: Field) -> Callable[[Any], Any]:
    """Python value for a stored answer: numbers and dates typed, identifiers and everything else text."""
    yes, no = t("engine.yes"), t("engine.no")
    if f.type == "money":
        return _money
    if f.type in ("count", "months"):
        return _int
    if f.type == "number":
        return _money
    if f.type == "date":
        return _date
    if f.type == "yes_no":
        return lambda v: (yes if v else no) if isinstance(v, bool) else str(v)
    if f.type == "multi_choice":
        return lambda v: "、".join(map(str, v)) if isinstance(v, list) else str(v)
    if f.type == "file":
        return lambda v: str(v.get("path") or v.get("file_id") or v.get("name") or "") if isinstance(v, dict) else str(v)
    return _text  # text, choice, id_number, phone, postcode, bank_card, ethnicity: never numbers


def _answer_getter(f: Field) -> Getter:
    key, conv = f.key, _converter(f)

    def get(_row: Any, data: Mapping[str, Any]) -> Any:
        v = data.get(key)
        if v is None or v == "" or v == []:
            return None
        return conv(v)
    return get


def _width(f: Field, header: str) -> float:
    """Wide enough for a typical value and for the header's longest line (headers wrap), never page-wide:
    a 姓名 takes 10, not its 30-character limit."""
    base = {"id_number": 21, "bank_card": 22, "phone": 14, "postcode": 9, "date": 12, "money": 12,
            "count": 8, "months": 8, "yes_no": 8, "name": 10, "ethnicity": 8, "health": 14, "number": 10,
            "long_text": 30, "multi_choice": 30, "file": 24}.get(f.type)
    if base is None:
        if f.choices:
            base = max(display_width(c) for c in f.choices) + 2
        else:
            base = min(int(f.options.get("max_len", 20)), 20) + 2
    return float(min(max(base, min(display_width(header), 12) + 2), 24))  # longer text wraps in its cell


def local_datetime(value: datetime | None, zone: tzinfo) -> datetime | None:
    """A stored timestamp (naive UTC, or aware) as naive local time for a spreadsheet cell."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(zone).replace(tzinfo=None)


def effective_category(row: Any) -> str | None:
    """The 困难类别 as filed: a written override wins over the computed one."""
    return row.override_category or row.category


COUNTED_CATEGORIES = CATEGORIES  # 附件2 rows 1–3


def _counted_tags(row: Any, _data: Mapping[str, Any]) -> str | None:
    """The 附件2 rows 4–9 the household counts in: only when its filed category is one of rows 1–3."""
    if not row.tags or effective_category(row) not in COUNTED_CATEGORIES:
        return None
    return row.tags.strip("|").replace("|", "、") or None


def _signature(row: Any, _data: Mapping[str, Any]) -> str | None:
    sig = (row.state or {}).get("signature") or {}
    if not sig.get("name"):
        return None
    return t("export.signature", name=sig["name"], at=sig.get("at", ""))


def _checks(row: Any, _data: Mapping[str, Any]) -> str | None:
    """核对提示: the household's warnings stored at submit, one per line."""
    found = stored_checks(row.state or {})
    return "\n".join(f"{i}. {c['message']}" for i, c in enumerate(found, start=1)) or None


def value_getter(f: Field) -> Getter:
    """The typed value of a top-level field for one household (system fields read the interview's columns)."""
    return _system_getter(f) if f.system else _answer_getter(f)


def group_value_getter(f: Field) -> Getter:
    """The typed value of a group field (家庭成员, 附件) for one item."""
    return _answer_getter(f)


def _system_getter(f: Field) -> Getter:
    """Values the program fills: 职工编号, 困难类别, 家庭月人均收入 come from the interview's columns."""
    if f.key == "worker_no":
        return lambda row, _d: row.ref
    if f.system == "eligibility" and f.type == "choice":
        return lambda row, _d: effective_category(row)
    if f.system == "eligibility" and f.type == "money":
        return lambda row, _d: _money(row.per_capita_income) if row.per_capita_income else None
    if f.system == "signature":
        return _signature
    return _answer_getter(f)


def _assessment(key: str, conv: Callable[[Any], Any]) -> Getter:
    def get(row: Any, _data: Mapping[str, Any]) -> Any:
        v = (row.assessment or {}).get(key)
        return None if v is None else conv(v)
    return get


def _tail_columns(zone: tzinfo) -> tuple[Column, ...]:
    not_eligible = t("export.not_eligible")
    status_names = {s: t(f"export.status.{s}") for s in
                    ("draft", "submitted", "approved", "returned", "cancelled", "closed")}

    def computed(row: Any, _d: Mapping[str, Any]) -> str | None:
        return row.category or (not_eligible if row.eligible is False else None)

    def stamp(name: str) -> Getter:
        return lambda row, _d: local_datetime(getattr(row, name), zone)

    return (
        Column(t("export.col.computed_category"), computed, width=14),
        Column(t("export.col.criterion"), lambda row, _d: row.criterion, width=10),
        Column(t("export.col.standard"), _assessment("standard", _money), money=True, width=14),
        Column(t("export.col.cap"), _assessment("cap", _money), money=True, width=14),
        Column(t("export.col.tags"), _counted_tags, width=30),
        Column(t("export.col.explanation"), _assessment("explanation", _text), width=40),
        Column(t("export.col.checks"), _checks, width=40),
        Column(t("export.col.override_category"), lambda row, _d: row.override_category, width=14),
        Column(t("export.col.override_reason"), lambda row, _d: row.override_reason, width=30),
        Column(t("export.col.unit"), lambda row, _d: row.unit or None, width=18),
        Column(t("export.col.status"), lambda row, _d: status_names.get(row.status, row.status), width=10),
        Column(t("export.col.submitted_at"), stamp("submitted_at"), width=17),
        Column(t("export.col.changed_at"), stamp("changed_at"), width=17),
        Column(t("export.col.approved_at"), stamp("approved_at"), width=17),
    )


def household_columns(form: Form, *, tz: tzinfo) -> tuple[Column, ...]:
    """Every top-level field of the form in 附件1 order, then the eligibility result, status and dates."""
    cols = [Column(f.label, value_getter(f), f.type == "money", _width(f, f.label), s.key)
            for s in form.sections for f in s.fields]
    return tuple(cols) + _tail_columns(tz)


def _group_table(section: Section) -> GroupTable:
    assert section.group is not None
    lead = (Column(t("export.col.worker_ref"), lambda row, _d: row.ref, width=16),
            Column(t("export.col.worker_name"), lambda row, _d: row.worker_name or None, width=12))
    cols = tuple(Column(f.label, _answer_getter(f), f.type == "money", _width(f, f.label), section.key)
                 for f in section.group.fields)
    return GroupTable(key=section.key, name=section.group.item, columns=lead + cols)


def group_tables(form: Form) -> tuple[GroupTable, ...]:
    """One table per repeating group (家庭成员, 附件), each row led by 职工编号 and the worker's name."""
    return tuple(_group_table(s) for s in form.sections if s.group is not None)
