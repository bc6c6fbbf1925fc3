"""The form model: a declarative survey parsed and checked as a whole."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from flows.conditions import Condition, ConditionError, parse_condition
from flows.field_types import TYPES, takes_choices

FIELD_TYPES = frozenset(TYPES)  # the question-type table is flows.field_types
AUDIENCES = frozenset({"worker", "staff"})
SYSTEM_KINDS = frozenset({"assigned_on_submit", "eligibility", "on_approval", "signature"})
OFFER_KINDS = frozenset({"from_id", "sum", "count", "today", "actor_name", "file_name"})
_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_FIELD_ATTRS = frozenset({
    "key", "label", "required", "type", "choices", "choices_from", "help", "when", "audience",
    "offer", "ask_after", "system", "example", "max_len", "min_len", "max", "min", "unit",
    "allow_month", "max_plausible", "exclude_from", "quick", "unique", "part",
})


class FormError(Exception):
    """Every problem found in a form file, each with where, what rule, and how to fix."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("表单文件有 %d 处问题：\n" % len(problems) + "\n".join(f"- {p}" for p in problems))
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
    counter: str = "位"  # the measure word: 第1位家庭成员, 第1个附件, 第1项措施


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
        raise FormError(["文件顶层应是一个映射（form、version、title、sections）。"])
    for k in ("form", "version", "title", "sections"):
        if k not in data:
            problems.append(f"顶层：缺少 “{k}”。请加上，例如 {k}: …")
    for k in sorted(set(data) - {"form", "version", "title", "sections", "eligibility", "signed_by"}):
        problems.append(f"顶层：不认识的属性 “{k}”。可用：form, version, title, sections, eligibility, signed_by。")
    sections: list[Section] = []
    seen_sections: set[str] = set()
    top_keys: set[str] = set()
    raw_sections = data.get("sections") or []
    if not isinstance(raw_sections, list):
        problems.append("sections：应是一个列表，每项是一个栏目。")
        raw_sections = []
    for si, raw in enumerate(raw_sections):
        where = f"sections[{si}]"
        if not isinstance(raw, Mapping):
            problems.append(f"{where}：应是映射，含 key、label 和 fields 或 group。")
            continue
        skey = str(raw.get("key", ""))
        if not _KEY_RE.match(skey):
            problems.append(f"{where}：key “{skey}” 须为小写英文加下划线，如 basic_info。")
        if skey in seen_sections:
            problems.append(f"{where}：栏目 key “{skey}” 重复，每个栏目的 key 必须唯一。")
        seen_sections.add(skey)
        if not raw.get("label"):
            problems.append(f"{where}（{skey}）：缺少 label（栏目的中文名称）。")
        has_fields, has_group = "fields" in raw, "group" in raw
        if has_fields == has_group:
            problems.append(f"{where}（{skey}）：须有 fields 或 group 之一，且只能有一个。")
            continue
        if has_fields:
            fields = _parse_fields(raw["fields"], f"{where}（{skey}）", problems, known_choice_sources)
            for f in fields:
                if f.key in top_keys:
                    problems.append(f"{where}（{skey}）：字段 key “{f.key}” 与前面的字段重复。")
                top_keys.add(f.key)
            sections.append(Section(key=skey, label=str(raw.get("label", "")), fields=tuple(fields)))
        else:
            g = raw["group"]
            if not isinstance(g, Mapping) or "fields" not in g or "item" not in g:
                problems.append(f"{where}（{skey}）：group 须含 item（每项的名称）和 fields。")
                continue
            gfields = _parse_fields(g["fields"], f"{where}（{skey}）.group", problems, known_choice_sources)
            if len({f.key for f in gfields}) != len(gfields):
                problems.append(f"{where}（{skey}）：组内字段 key 重复。")
            if not any(f.required for f in gfields):
                problems.append(f"{where}（{skey}）：组内至少要有一个必填字段，否则无法判断一项是否填完。")
            try:
                gmax = int(g.get("max", 20))
            except (TypeError, ValueError):
                problems.append(f"{where}（{skey}）：group.max 应是整数，如 15。")
                gmax = 20
            sections.append(Section(key=skey, label=str(raw.get("label", "")), group=Group(
                item=str(g["item"]), fields=tuple(gfields), max=gmax, help=str(g.get("help", "")),
                counter=str(g.get("counter", "位")))))
            top_keys.add(skey)
    _check_references(sections, top_keys, problems)
    if problems:
        raise FormError(problems)
    signed_by = str(data.get("signed_by", "worker"))
    if signed_by not in ("worker", "surveyor"):
        raise FormError([f"signed_by：只能是 worker（职工签字）或 surveyor（调查员确认），而不是 “{signed_by}”。"])
    return Form(key=str(data["form"]), version=str(data["version"]), title=str(data["title"]),
                sections=tuple(sections), eligibility=bool(data.get("eligibility", False)), signed_by=signed_by)


def _parse_fields(raw_fields: Any, where: str, problems: list[str],
                  known_sources: frozenset[str]) -> list[Field]:
    out: list[Field] = []
    if not isinstance(raw_fields, list):
        problems.append(f"{where}：fields 应是列表。")
        return out
    for fi, rf in enumerate(raw_fields):
        at = f"{where}.fields[{fi}]"
        if not isinstance(rf, Mapping):
            problems.append(f"{at}：每个字段应是映射，如 {{key: name, label: 姓名, type: text}}。")
            continue
        key = str(rf.get("key", ""))
        at = f"{at}（{key or '无key'}）"
        if not _KEY_RE.match(key):
            problems.append(f"{at}：key 须为小写英文加下划线，如 home_address。")
        for extra in sorted(set(rf) - _FIELD_ATTRS):
            problems.append(f"{at}：不认识的属性 “{extra}”。可用的属性：{', '.join(sorted(_FIELD_ATTRS))}。")
        ftype = rf.get("type")
        if ftype not in FIELD_TYPES:
            problems.append(f"{at}：type “{ftype}” 不存在。可用类型：{', '.join(sorted(FIELD_TYPES))}。")
        if not rf.get("label"):
            problems.append(f"{at}：缺少 label（附件1 上的中文名称）。")
        choices = rf.get("choices") or []
        if takes_choices(str(ftype)):
            if not choices and rf.get("choices_from") not in known_sources:
                problems.append(f"{at}：选择题须列出 choices，或写 choices_from: standards。")
            if len(set(map(str, choices))) != len(choices):
                problems.append(f"{at}：choices 有重复的选项。")
        elif choices:
            problems.append(f"{at}：只有 choice / multi_choice 可以有 choices。")
        audience = rf.get("audience", "worker")
        if audience not in AUDIENCES:
            problems.append(f"{at}：audience 只能是 worker 或 staff。")
        system = rf.get("system")
        if system is not None and system not in SYSTEM_KINDS:
            problems.append(f"{at}：system “{system}” 不存在。可用：{', '.join(sorted(SYSTEM_KINDS))}。")
        offer = rf.get("offer") or {}
        if offer and not (isinstance(offer, Mapping) and set(offer) & OFFER_KINDS):
            problems.append(f"{at}：offer 须含 {', '.join(sorted(OFFER_KINDS))} 之一。")
        when_text = str(rf.get("when") or "")
        cond: Condition | None = None
        if when_text:
            try:
                cond = parse_condition(when_text)
            except ConditionError as exc:
                problems.append(f"{at}：when 条件写得不对：{exc}")
        options = {k: rf[k] for k in ("max_len", "min_len", "max", "min", "unit", "allow_month", "max_plausible",
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
                problems.append(f"{s.key}.{f.key}：ask_after 指向不存在的字段 “{f.ask_after}”。")
            if f.exclude_from and f.exclude_from not in top_keys:
                problems.append(f"{s.key}.{f.key}：exclude_from 指向不存在的字段 “{f.exclude_from}”。")
            if f.when:
                for name in f.when.names():
                    if name not in known:
                        problems.append(f"{s.key}.{f.key}：when 条件用到了不存在的字段 “{name}”。")
            src = f.offer.get("from_id") or f.offer.get("file_name")
            if src and src not in known:
                problems.append(f"{s.key}.{f.key}：offer 指向不存在的字段 “{src}”。")
