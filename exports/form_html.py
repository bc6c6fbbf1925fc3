"""附件1 printable: each household as an HTML page laid out like the paper form (A4 print CSS), one per page."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2

from exports.columns import MonthDate, effective_category, group_value_getter, value_getter
from flows.catalog import t
from flows.categories import REASON_OTHER
from flows.form import Field, Form

TEMPLATES = Path(__file__).parent / "templates"
CHECKED, UNCHECKED = "☑", "☐"

# Where each field sits on the paper form (keys of flows/forms/archive.yaml). A field not placed here (the
# 认定补充信息 answers, or one the form gains later) is still printed, after the form, under its section's label.
HEADER = ("worker_no", "hardship_category")
GRIDS = (
    ("name", "ethnicity", "sex", "political_status", "id_number", "birth_date", "health", "disability_category",
     "work_status", "model_worker"),
    ("housing_type", "floor_area", "phone", "other_contact", "postcode", "work_start_date", "industry",
     "marital_status", "hukou_type"),
    ("address", "employer", "employer_type", "enterprise_status", "single_parent"),
    ("monthly_income", "other_income_annual", "household_annual_income", "household_size",
     "per_capita_monthly_income", "region", "medical_insurance"),
)
PAIRS = (("self_help_ability", "zero_employment"),)
CAUSES = ("main_cause", "secondary_causes")
BANK = ("bank_name", "bank_branch", "bank_card")
RELIEF = ("relief_target", "relief_target_date")
PLANS = (("key_groups", "key_groups_other"), ("five_batches", "five_batches_other"),
         ("action_plans", "action_plans_other"))
REMARKS = ("remarks", "worker_signature")
STAFF = ("filed_by", "reviewed_by", "help_unit", "help_person", "entered_by")
MEMBERS, ATTACHMENTS = "members", "attachments"
PLACED = frozenset(HEADER + sum(GRIDS, ()) + sum(PAIRS, ()) + CAUSES + BANK + RELIEF + REMARKS + STAFF
                   + tuple(k for p in PLANS for k in p[:2]))


@dataclass(frozen=True)
class Cell:
    """One label and its printed value."""

    label: str
    value: str
    required: bool = False
    type: str = "text"


def print_text(f: Field, v: Any) -> str:
    """A typed value as printed on the form (money with two decimals, dates as on paper)."""
    if v is None:
        return ""
    if isinstance(v, float):
        text = f"{v:.2f}" if f.type == "money" else format(v, "g")
        unit = f.options.get("unit")
        return f"{text} {unit}" if unit and f.type == "number" else text
    if isinstance(v, MonthDate):
        return v.strftime("%Y-%m")
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M")
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


class _Page:
    """Builds the template's view of one household."""

    def __init__(self, form: Form, row: Any) -> None:
        self.form = form
        self.row = row
        self.answers: Mapping[str, Any] = (row.state or {}).get("answers") or {}
        self.fields = {f.key: f for s in form.sections for f in s.fields}

    def cell(self, key: str) -> Cell | None:
        f = self.fields.get(key)
        if f is None:
            return None
        return Cell(f.label, print_text(f, value_getter(f)(self.row, self.answers)), f.required, f.type)

    def cells(self, keys: Iterable[str]) -> list[Cell]:
        return [c for c in (self.cell(k) for k in keys) if c is not None]

    def group(self, key: str, skip: tuple[str, ...] = ()) -> dict[str, Any] | None:
        section = next((s for s in self.form.sections if s.key == key and s.group), None)
        if section is None or section.group is None:
            return None
        fields = [f for f in section.group.fields if f.key not in skip]
        items = [i for i in (self.answers.get(key) or []) if isinstance(i, dict)]
        rows = [[print_text(f, group_value_getter(f)(self.row, item)) for f in fields] for item in items]
        return {"label": section.label, "headers": [f.label for f in fields], "rows": rows,
                "types": [f.type for f in fields]}  # t-id_number cells never break (print.css)

    def causes(self) -> dict[str, Any] | None:
        main_f, sec_f = self.fields.get(CAUSES[0]), self.fields.get(CAUSES[1])
        if main_f is None:
            return None
        main = self.answers.get(main_f.key)
        secondary = list(self.answers.get(sec_f.key) or []) if sec_f else []
        items = []
        for n, name in enumerate(main_f.choices, 1):
            mark = t("export.html.main_mark") if name == main else (
                t("export.html.secondary_mark") if name in secondary else "")
            items.append({"n": n, "name": name, "box": CHECKED if mark else UNCHECKED, "mark": mark})
        numbered = {name: f"{n}.{name}" for n, name in enumerate(main_f.choices, 1)}
        return {
            "items": items,
            "main": f"{main_f.label}：{numbered.get(main, main or '')}",
            "secondary": f"{sec_f.label}：{'、'.join(numbered.get(s, s) for s in secondary)}" if sec_f else "",
        }

    def relief(self) -> dict[str, Any] | None:
        f = self.fields.get(RELIEF[0])
        if f is None:
            return None
        chosen = self.answers.get(f.key)
        when = self.answers.get(RELIEF[1])
        day = _date_parts(when)
        text = t("export.html.relief", yes=CHECKED if chosen is True else UNCHECKED,
                 no=CHECKED if chosen is False else UNCHECKED, date=day)
        return {"text": text, "labels": self.cells(RELIEF)}

    def plans(self) -> list[dict[str, Any]]:
        out = []
        for key, other_key in PLANS:
            f = self.fields.get(key)
            if f is None:
                continue
            chosen = set(self.answers.get(key) or [])
            other = self.answers.get(other_key)
            options = [{"n": n, "name": c, "box": CHECKED if c in chosen else UNCHECKED,
                        "note": (t("export.html.other_note", text=other) if other else t("export.html.other_blank"))
                        if c == REASON_OTHER else ""}
                       for n, c in enumerate(f.choices, 1)]
            out.append({"label": f.label, "options": options})
        return out

    def extra(self) -> list[dict[str, Any]]:
        blocks = []
        for s in self.form.sections:
            cells = self.cells(f.key for f in s.fields if f.key not in PLACED)
            if cells:
                blocks.append({"label": s.label, "cells": cells})
        return blocks

    def view(self, printed: str) -> dict[str, Any]:
        a = self.row.assessment or {}
        status = t(f"export.status.{self.row.status}") if self.row.status else ""
        return {
            "ref": self.row.ref or str(self.row.id), "category": effective_category(self.row) or "",
            "stamp": t("export.html.printed", at=printed, status=status),
            "header": self.cells(HEADER), "grids": [self.cells(g) for g in GRIDS],
            "pairs": [self.cells(p) for p in PAIRS], "members": self.group(MEMBERS),
            "causes": self.causes(), "bank": self.cells(BANK), "attachments": self.group(ATTACHMENTS, ("file",)),
            "relief": self.relief(), "plans": self.plans(), "remarks": self.cells(REMARKS),
            "staff": self.cells(STAFF), "extra": self.extra(),
            "explanation": a.get("explanation") or "",
            "override": (self.row.override_category, self.row.override_reason) if self.row.override_category else None,
        }


def _date_parts(value: Any) -> str:
    try:
        d = date.fromisoformat(str(value)[:10])
    except ValueError:
        return t("export.html.date_blank")
    return t("export.html.date_parts", y=d.year, m=d.month, d=d.day)


def environment() -> jinja2.Environment:
    """The template environment (HTML autoescaped, strict about undefined names)."""
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                              autoescape=jinja2.select_autoescape(["html"]), undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True)


def household_views(rows: Iterable[Any], form: Form, printed: str) -> Iterator[dict[str, Any]]:
    """The view of each household, lazily."""
    for row in rows:
        yield _Page(form, row).view(printed)


def _context(form: Form, printed: str) -> dict[str, Any]:
    return {"title": form.title, "annex": t("export.html.annex"), "footer": t("export.html.footer"),
            "causes_label": t("export.html.causes"), "assessment_label": t("export.html.assessment"),
            "override_label": t("export.col.override_category"), "reason_label": t("export.col.override_reason")}


def render_html(rows: Iterable[Any], form: Form, *, printed: str = "") -> str:
    """One HTML document with every household of ``rows``, one per printed page."""
    return "".join(iter_html(rows, form, printed=printed, counter=[0]))


def iter_html(rows: Iterable[Any], form: Form, *, printed: str = "", counter: list[int]) -> Iterator[str]:
    """The HTML document in chunks (streamed to a file), counting households into ``counter[0]``."""
    def counted() -> Iterator[dict[str, Any]]:
        for view in household_views(rows, form, printed):
            counter[0] += 1
            yield view

    template = environment().get_template("archive.html")
    yield from template.generate(households=counted(), **_context(form, printed))


def write_html(rows: Iterable[Any], form: Form, out: str | Path, *, printed: str = "") -> int:
    """Write the printable 附件1 of ``rows`` to ``out``; the household count."""
    counter = [0]
    with Path(out).open("w", encoding="utf-8") as fh:
        for chunk in iter_html(rows, form, printed=printed, counter=counter):
            fh.write(chunk)
    return counter[0]
