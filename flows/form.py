"""The form model: a declarative survey parsed and checked as a whole."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from flows.catalog import t
from flows.conditions import Condition, ConditionError, parse_condition
from flows.field_types import TYPES, takes_choices
from flows.form_entry import Entry, parse_entry

FIELD_TYPES = frozenset(TYPES)  # the question-type table is flows.field_types
AUDIENCES = frozenset({"worker", "staff"})
SYSTEM_KINDS = frozenset({"assigned_on_submit", "eligibility", "on_approval", "signature"})
OFFER_KINDS = frozenset({"from_id", "sum", "count", "today", "actor_name", "file_name", "likely_type"})
_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_FIELD_ATTRS = frozenset({
    "key", "label", "required", "type", "choices", "choices_from", "help", "when", "audience",
    "offer", "ask_after", "system", "example", "max_len", "min_len", "max", "min", "unit",
    "allow_month", "max_plausible", "exclude_from", "quick", "unique", "part", "recent", "period", "aliases",
})


class FormError(Exception):
    """Every problem found in a form file, each with where, what rule, and how to fix."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join([t("form.error_title", count=len(problems)),
                                    *(t("form.error_item", problem=p) for p in problems)]))
        self.problems = problems


@dataclass(frozen=True)
class Field:
    """One question of the form."""

    key: str
    label: str
    type: str
    required: bool = False
    choices: tuple[str, ...] = ()
    choices_from: str | None = None
    help: str = ""
    when: Condition | None = None
    when_text: str = ""
    audience: str = "worker"
    offer: Mapping[str, Any] = field(default_factory=dict)
    ask_after: str | None = None
    system: str | None = None
    example: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)
    exclude_from: str | None = None
    quick: tuple[str, ...] = ()
    unique: bool = False

    @property
    def asked(self) -> bool:
        """True when a person answers it (system fields are filled by the program)."""
        return self.system is None


@dataclass(frozen=True)
class Group:
    """A repeating block of fields (家庭主要成员, 附件)."""

    item: str
    fields: tuple[Field, ...]
    max: int = 20
    help: str = ""
    counter: str = t("form.default_counter")  # the measure word: 第1位家庭成员, 第1个附件, 第1项措施


@dataclass(frozen=True)
class Section:
    """A titled part of the form; either plain fields or one repeating group."""

    key: str
    label: str
    fields: tuple[Field, ...] = ()
    group: Group | None = None


@dataclass(frozen=True)
class Form:
    """A whole survey form."""

    key: str
    version: str
    title: str
    sections: tuple[Section, ...]
    eligibility: bool = False  # the end of the interview shows the 认定标准 decision
    signed_by: str = "worker"  # who confirms at the end: the worker (职工签字) or the surveyor
    entry: Entry = field(default_factory=Entry)  # how it is reached and which exports cover it (flows.form_entry)

    def field(self, key: str) -> Field:
        """Top-level field by key (group fields are ``group.key``)."""
        return self._index()[key]

    def section_of(self, key: str) -> Section:
        """The section holding a top-level field or named by a group key."""
        for s in self.sections:
            if s.key == key or any(f.key == key for f in s.fields):
                return s
        raise KeyError(key)

    def group_field(self, group_key: str, key: str) -> Field:
        """A field inside a repeating group."""
        for s in self.sections:
            if s.key == group_key and s.group:
                for f in s.group.fields:
                    if f.key == key:
                        return f
        raise KeyError(f"{group_key}.{key}")

    def all_fields(self) -> list[tuple[Section, Field]]:
        """Every field in form order, group fields included."""
        out: list[tuple[Section, Field]] = []
        for s in self.sections:
            for f in s.fields:
                out.append((s, f))
            if s.group:
                for f in s.group.fields:
                    out.append((s, f))
        return out

    def _index(self) -> dict[str, Field]:
        return {f.key: f for s in self.sections for f in s.fields}


def parse_form(data: Mapping[str, Any], *, known_choice_sources: frozenset[str] = frozenset({"standards"})) -> Form:
    """Build a Form from parsed YAML/JSON, reporting every problem at once."""
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise FormError([t("form.top_not_mapping")])
    for k in ("form", "version", "title", "sections"):
        if k not in data:
            problems.append(t("form.top_missing", key=k))
    for k in sorted(set(data) - {"form", "version", "title", "sections", "eligibility", "signed_by", "entry"}):
        problems.append(t("form.top_unknown", key=k))
    sections: list[Section] = []
    seen_sections: set[str] = set()
    top_keys: set[str] = set()
    raw_sections = data.get("sections") or []
    if not isinstance(raw_sections, list):
        problems.append(t("form.sections_not_list"))
        raw_sections = []
    for si, raw in enumerate(raw_sections):
        where = f"sections[{si}]"
        if not isinstance(raw, Mapping):
            problems.append(t("form.section_not_mapping", where=where))
            continue
        skey = str(raw.get("key", ""))
        if not _KEY_RE.match(skey):
            problems.append(t("form.section_key", where=where, key=skey))
        if skey in seen_sections:
            problems.append(t("form.section_duplicate", where=where, key=skey))
        seen_sections.add(skey)
        if not raw.get("label"):
            problems.append(t("form.section_label", where=where, key=skey))
        has_fields, has_group = "fields" in raw, "group" in raw
        if has_fields == has_group:
            problems.append(t("form.section_fields_or_group", where=where, key=skey))
            continue
        if has_fields:
            fields = _parse_fields(raw["fields"], f"{where}（{skey}）", problems, known_choice_sources)
            for f in fields:
                if f.key in top_keys:
                    problems.append(t("form.field_duplicate", where=where, key=skey, field=f.key))
                top_keys.add(f.key)
            sections.append(Section(key=skey, label=str(raw.get("label", "")), fields=tuple(fields)))
        else:
            g = raw["group"]
            if not isinstance(g, Mapping) or "fields" not in g or "item" not in g:
                problems.append(t("form.group_shape", where=where, key=skey))
                continue
            gfields = _parse_fields(g["fields"], f"{where}（{skey}）.group", problems, known_choice_sources)
            if len({f.key for f in gfields}) != len(gfields):
                problems.append(t("form.group_duplicate", where=where, key=skey))
            if not any(f.required for f in gfields):
                problems.append(t("form.group_required", where=where, key=skey))
            try:
                gmax = int(g.get("max", 20))
            except (TypeError, ValueError):
                problems.append(t("form.group_max", where=where, key=skey))
                gmax = 20
            sections.append(Section(key=skey, label=str(raw.get("label", "")), group=Group(
                item=str(g["item"]), fields=tuple(gfields), max=gmax, help=str(g.get("help", "")),
                counter=str(g.get("counter", t("form.default_counter"))))))
            top_keys.add(skey)
    _check_references(sections, top_keys, problems)
    entry = parse_entry(data.get("entry"), problems)
    if problems:
        raise FormError(problems)
    signed_by = str(data.get("signed_by", "worker"))
    if signed_by not in ("worker", "surveyor"):
        raise FormError([t("form.signed_by", value=signed_by)])
    return Form(key=str(data["form"]), version=str(data["version"]), title=str(data["title"]),
                sections=tuple(sections), eligibility=bool(data.get("eligibility", False)), signed_by=signed_by,
                entry=entry)


def _parse_fields(raw_fields: Any, where: str, problems: list[str],
                  known_sources: frozenset[str]) -> list[Field]:
    out: list[Field] = []
    if not isinstance(raw_fields, list):
        problems.append(t("form.fields_not_list", where=where))
        return out
    for fi, rf in enumerate(raw_fields):
        at = f"{where}.fields[{fi}]"
        if not isinstance(rf, Mapping):
            problems.append(t("form.field_not_mapping", at=at))
            continue
        key = str(rf.get("key", ""))
        at = f"{at}（{key or t('form.no_key')}）"
        if not _KEY_RE.match(key):
            problems.append(t("form.field_key", at=at))
        for extra in sorted(set(rf) - _FIELD_ATTRS):
            problems.append(t("form.field_unknown", at=at, attr=extra, allowed=", ".join(sorted(_FIELD_ATTRS))))
        ftype = rf.get("type")
        if ftype not in FIELD_TYPES:
            problems.append(t("form.field_type", at=at, type=ftype, allowed=", ".join(sorted(FIELD_TYPES))))
        if not rf.get("label"):
            problems.append(t("form.field_label", at=at))
        choices = rf.get("choices") or []
        if takes_choices(str(ftype)):
            if not choices and rf.get("choices_from") not in known_sources:
                problems.append(t("form.choices_missing", at=at))
            if len(set(map(str, choices))) != len(choices):
                problems.append(t("form.choices_duplicate", at=at))
        elif choices:
            problems.append(t("form.choices_not_allowed", at=at))
        audience = rf.get("audience", "worker")
        if audience not in AUDIENCES:
            problems.append(t("form.audience", at=at))
        system = rf.get("system")
        if system is not None and system not in SYSTEM_KINDS:
            problems.append(t("form.system", at=at, system=system, allowed=", ".join(sorted(SYSTEM_KINDS))))
        offer = rf.get("offer") or {}
        if offer and not (isinstance(offer, Mapping) and set(offer) & OFFER_KINDS):
            problems.append(t("form.offer", at=at, allowed=", ".join(sorted(OFFER_KINDS))))
        when_text = str(rf.get("when") or "")
        cond: Condition | None = None
        if when_text:
            try:
                cond = parse_condition(when_text)
            except ConditionError as exc:
                problems.append(t("form.when", at=at, error=exc))
        options = {k: rf[k] for k in ("max_len", "min_len", "max", "min", "unit", "allow_month", "max_plausible", "recent", "period", "aliases",
                                      "example")
                   if k in rf}
        out.append(Field(
            key=key, label=str(rf.get("label", "")), type=str(ftype), required=bool(rf.get("required", False)),
            choices=tuple(str(c) for c in choices), choices_from=rf.get("choices_from"),
            help=str(rf.get("help", "")), when=cond, when_text=when_text, audience=str(audience),
            offer=dict(offer), ask_after=rf.get("ask_after"), system=system,
            example=str(rf.get("example", "")), options=options, exclude_from=rf.get("exclude_from"),
            quick=tuple(str(q) for q in rf.get("quick", ())), unique=bool(rf.get("unique", False)),
        ))
    return out


def _check_references(sections: list[Section], top_keys: set[str], problems: list[str]) -> None:
    virtual = {"causes", "below_standard"}
    for s in sections:
        scope = {f.key for f in (s.group.fields if s.group else ())}
        for f in (s.group.fields if s.group else s.fields):
            known = top_keys | scope | virtual
            if f.ask_after and f.ask_after not in (scope if s.group else top_keys):
                problems.append(t("form.ref_ask_after", where=f"{s.key}.{f.key}", name=f.ask_after))
            if f.exclude_from and f.exclude_from not in top_keys:
                problems.append(t("form.ref_exclude_from", where=f"{s.key}.{f.key}", name=f.exclude_from))
            if f.when:
                for name in f.when.names():
                    if name not in known:
                        problems.append(t("form.ref_when", where=f"{s.key}.{f.key}", name=name))
            src = f.offer.get("from_id") or f.offer.get("file_name") or f.offer.get("likely_type")
            if src and src not in known:
                problems.append(t("form.ref_offer", where=f"{s.key}.{f.key}", name=src))
