"""The 低保 standards table and the 附件2 tag rules, parsed and validated from plain data."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from flows.catalog import t

_WHITESPACE = re.compile(r"\s+")
_CAP_FACTOR = Decimal("1.5")
_MAX_CAUSE = 10
_MAX_STANDARD = Decimal(10) ** 6  # 元/人/月; anything near this is a typo, and it keeps the arithmetic exact

# The Inputs fields a tag rule may test with "input", and the JSON type of their values.
TAG_INPUT_TYPES: Mapping[str, type] = {
    "region": str,
    "household_size": int,
    "receives_dibao": bool,
    "months_below_standard": int,
    "sudden_hardship": bool,
    "main_cause": int,
    "single_parent": bool,
    "health": str,
    "disability_category": str,
    "work_status": str,
    "housing_type": str,
    "zero_employment": bool,
}

_TABLE_KEYS = ("version", "effective_date", "source", "note", "regions")
_REGION_KEYS = ("name", "aliases", "standard", "cap", "note")
_TAGS_KEYS = ("version", "source", "note", "rules")
_RULE_KEYS = ("row", "tag", "any", "note")
_CONDITION_KINDS = "input+equals, input+in, cause, member_identity, member_health_contains, disability"


def normalize_name(text: str) -> str:
    """Return ``text`` as compared: no whitespace, ASCII parentheses made full-width."""
    return _WHITESPACE.sub("", text).replace("(", "（").replace(")", "）")


def parse_decimal(value: object) -> Decimal | None:
    """Return ``value`` (int, float or numeric string; never bool) as a finite Decimal, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        value = str(value)  # the float's shortest repr, so 0.1 stays 0.1
    if not isinstance(value, str):
        return None
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def show_value(value: object) -> str:
    """Return a short printable form of a bad value for an error message."""
    if isinstance(value, Decimal):
        return f"{value:f}"
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


class StandardsError(ValueError):
    """A standards table that breaks the rules; ``problems`` lists every problem found."""

    title_key = "elig.std.title"

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join([t(self.title_key, count=len(problems)), *problems]))
        self.problems = problems


class TagRulesError(StandardsError):
    """A tag rules file that breaks the rules; ``problems`` lists every problem found."""

    title_key = "elig.tags.title"


class UnknownRegion(ValueError):
    """A 户口所在地 that the standards table does not know."""

    field = "region"

    def __init__(self, region: str, known: tuple[str, ...]) -> None:
        example = known[0] if known else ""
        super().__init__(
            t("elig.unknown_region", region=region, known="、".join(known), example=example)
        )
        self.region = region
        self.known = known


@dataclass(frozen=True)
class Standard:
    """One region's 低保标准 S and 低保边缘 cap (元/人/月)."""

    region: str
    aliases: tuple[str, ...]
    standard: Decimal
    cap: Decimal

    def answers_to(self, name: str) -> bool:
        """Return whether ``name`` is this region's canonical name or one of its aliases."""
        wanted = normalize_name(name)
        return any(normalize_name(known) == wanted for known in (self.region, *self.aliases))


@dataclass(frozen=True)
class StandardsTable:
    """The 低保 standards of every known region, with a version and effective date."""

    version: str
    effective_date: date
    source: str
    standards: tuple[Standard, ...]

    def lookup(self, region: str) -> Standard:
        """Return the standard for a canonical region name or alias, or raise UnknownRegion."""
        for standard in self.standards:
            if standard.answers_to(region):
                return standard
        raise UnknownRegion(region, self.region_names())

    def region_names(self) -> tuple[str, ...]:
        """Return the canonical region names in table order."""
        return tuple(standard.region for standard in self.standards)


def default_cap(standard: Decimal) -> Decimal:
    """Return 1.5 × S rounded half-up to whole yuan, the cap when none is published."""
    return (standard * _CAP_FACTOR).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _problem(where: str, message: str, /, **kwargs: object) -> str:
    """Return one located problem line from catalog key ``message``."""
    return t("elig.std.problem", where=where, problem=t(message, **kwargs))


def _unknown_keys(data: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> list[str]:
    """Return a problem for each key of ``data`` not in ``allowed`` (typos are errors)."""
    return [
        _problem(where, "elig.std.unknown_key", item=key, allowed="、".join(allowed))
        for key in data
        if key not in allowed
    ]


def _text(data: Mapping[str, Any], key: str, where: str, problems: list[str], example: str) -> str:
    """Return the non-empty string ``data[key]``, recording a problem when it is not one."""
    value = data.get(key)
    if isinstance(value, str) and value.strip():
        return value.strip()
    if key not in data:
        problems.append(_problem(where, "elig.std.missing", item=key, example=example))
    else:
        problems.append(_problem(f"{where}.{key}", "elig.std.not_text", example=example, got=show_value(value)))
    return ""


def parse_standards(data: Mapping[str, Any]) -> StandardsTable:
    """Validate a standards table dict and return it, or raise StandardsError listing every problem."""
    root = t("elig.std.root")
    if not isinstance(data, Mapping):
        raise StandardsError([_problem(root, "elig.std.not_object", got=show_value(data))])
    problems = _unknown_keys(data, _TABLE_KEYS, root)
    version = _text(data, "version", root, problems, "jingmen-2018")
    effective = date.min
    raw_date = data.get("effective_date")
    if "effective_date" not in data:
        problems.append(_problem(root, "elig.std.missing", item="effective_date", example="2018-03-15"))
    else:
        try:
            effective = date.fromisoformat(raw_date) if isinstance(raw_date, str) else None
        except ValueError:
            effective = None
        if effective is None:
            problems.append(_problem("effective_date", "elig.std.bad_date", got=show_value(raw_date)))
            effective = date.min
    source = data.get("source", "")
    if not isinstance(source, str):
        problems.append(_problem("source", "elig.std.not_text", example="荆工办发电〔2018〕2号", got=show_value(source)))
        source = ""
    standards: list[Standard] = []
    regions = data.get("regions")
    if not isinstance(regions, list) or not regions:
        problems.append(_problem("regions", "elig.std.no_regions", got=show_value(regions)))
        regions = []
    for index, region in enumerate(regions):
        standard = _parse_region(region, f"regions[{index}]", problems)
        if standard is not None:
            standards.append(standard)
    problems.extend(_duplicate_names(regions))
    if problems:
        raise StandardsError(problems)
    return StandardsTable(version=version, effective_date=effective, source=source, standards=tuple(standards))


def _parse_region(region: object, where: str, problems: list[str]) -> Standard | None:
    """Return one region row as a Standard, recording its problems; None when unusable."""
    if not isinstance(region, Mapping):
        problems.append(_problem(where, "elig.std.region_not_object", got=show_value(region)))
        return None
    before = len(problems)
    name = region.get("name")
    if isinstance(name, str) and name.strip():
        name = name.strip()
        where = f"{where}（{name}）"
    problems.extend(_unknown_keys(region, _REGION_KEYS, where))
    name = _text(region, "name", where, problems, "东宝区")
    aliases = region.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        problems.append(_problem(f"{where}.aliases", "elig.std.bad_aliases", got=show_value(aliases)))
        aliases = []
    amount = parse_decimal(region.get("standard"))
    if "standard" not in region:
        problems.append(_problem(where, "elig.std.missing", item="standard", example="575"))
    elif amount is None or not 0 < amount < _MAX_STANDARD:
        problems.append(_problem(f"{where}.standard", "elig.std.bad_amount", got=show_value(region.get("standard"))))
        amount = None
    cap: Decimal | None = None
    if "cap" in region and region["cap"] is not None:
        cap = parse_decimal(region["cap"])
        if cap is None or not 0 < cap < _MAX_STANDARD:
            problems.append(_problem(f"{where}.cap", "elig.std.bad_amount", got=show_value(region["cap"])))
            cap = None
        elif amount is not None and cap < amount:
            problems.append(_problem(f"{where}.cap", "elig.std.cap_below", cap=cap, standard=amount))
    if len(problems) > before or amount is None:
        return None
    return Standard(
        region=name,
        aliases=tuple(a.strip() for a in aliases),
        standard=amount,
        cap=cap if cap is not None else default_cap(amount),
    )


def _names_of(region: object) -> tuple[str, ...]:
    """Return the usable name and aliases of a raw region row (even one with other problems)."""
    if not isinstance(region, Mapping) or not isinstance(region.get("name"), str) or not region["name"].strip():
        return ()
    aliases = region.get("aliases", [])
    aliases = [a for a in aliases if isinstance(a, str) and a.strip()] if isinstance(aliases, list) else []
    return (region["name"].strip(), *aliases)


def _duplicate_names(regions: list[Any]) -> list[str]:
    """Return a problem for each name or alias that two different regions claim."""
    owner: dict[str, str] = {}
    problems: list[str] = []
    for index, region in enumerate(regions):
        names = _names_of(region)
        for name in dict.fromkeys(normalize_name(n) for n in names):
            other = owner.setdefault(name, names[0])
            if other != names[0]:
                problems.append(
                    _problem(f"regions[{index}]（{names[0]}）", "elig.std.duplicate_name", name=name, other=other)
                )
    return problems


# --- 附件2 tag rules ---------------------------------------------------------


@dataclass(frozen=True)
class HouseholdFacts:
    """What a tag rule may test about one household."""

    values: Mapping[str, str | int | bool | None]
    causes: frozenset[int]
    member_identities: tuple[str, ...]
    member_healths: tuple[str, ...]
    has_disability: bool


def _same(actual: object, expected: str | int | bool) -> bool:
    """Return whether an answer equals a rule value (bool never equals int; names normalised)."""
    if isinstance(actual, bool) or isinstance(expected, bool):
        return isinstance(actual, bool) and isinstance(expected, bool) and actual == expected
    if isinstance(actual, str) and isinstance(expected, str):
        return normalize_name(actual) == normalize_name(expected)
    return actual == expected


@dataclass(frozen=True)
class InputIn:
    """Holds when the input ``key`` equals one of ``values``."""

    key: str
    values: tuple[str | int | bool, ...]

    def holds(self, facts: HouseholdFacts) -> bool:
        """Return whether the condition holds for ``facts``."""
        actual = facts.values.get(self.key)
        return any(_same(actual, value) for value in self.values)


@dataclass(frozen=True)
class CauseIn:
    """Holds when a 致困原因 (main or secondary) is one of ``causes``."""

    causes: frozenset[int]

    def holds(self, facts: HouseholdFacts) -> bool:
        """Return whether the condition holds for ``facts``."""
        return bool(self.causes & facts.causes)


@dataclass(frozen=True)
class MemberIdentityIn:
    """Holds when a family member's 身份 is one of ``identities``."""

    identities: tuple[str, ...]

    def holds(self, facts: HouseholdFacts) -> bool:
        """Return whether the condition holds for ``facts``."""
        return any(_same(m, i) for m in facts.member_identities for i in self.identities)


@dataclass(frozen=True)
class MemberHealthContains:
    """Holds when a family member's 健康状况 contains ``text``."""

    text: str

    def holds(self, facts: HouseholdFacts) -> bool:
        """Return whether the condition holds for ``facts``."""
        return any(self.text in health for health in facts.member_healths)


@dataclass(frozen=True)
class DisabilityIs:
    """Holds when the worker's 残疾类别 is present (``present`` true) or absent (false)."""

    present: bool

    def holds(self, facts: HouseholdFacts) -> bool:
        """Return whether the condition holds for ``facts``."""
        return facts.has_disability == self.present


Condition = InputIn | CauseIn | MemberIdentityIn | MemberHealthContains | DisabilityIs


@dataclass(frozen=True)
class TagRule:
    """One 附件2 row: its tag holds when any of its conditions holds."""

    row: int
    tag: str
    any_of: tuple[Condition, ...]

    def holds(self, facts: HouseholdFacts) -> bool:
        """Return whether this row counts the household."""
        return any(condition.holds(facts) for condition in self.any_of)


@dataclass(frozen=True)
class TagRules:
    """The 附件2 row-4… tag rules, in row order."""

    version: str
    rules: tuple[TagRule, ...]

    def tags_for(self, facts: HouseholdFacts) -> tuple[str, ...]:
        """Return the tags that hold for ``facts``, in row order."""
        return tuple(rule.tag for rule in self.rules if rule.holds(facts))

    def tag_names(self) -> tuple[str, ...]:
        """Return every tag name in row order."""
        return tuple(rule.tag for rule in self.rules)


def _is_value(value: object, kind: type) -> bool:
    """Return whether a rule value has the JSON type the input key holds."""
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def _parse_condition(data: object, where: str, problems: list[str]) -> Condition | None:
    """Return one rule condition, recording its problems; None when unusable."""
    if not isinstance(data, Mapping) or not data:
        problems.append(_problem(where, "elig.tags.bad_condition", kinds=_CONDITION_KINDS, got=show_value(data)))
        return None
    keys = set(data)
    if keys in ({"input", "equals"}, {"input", "in"}):
        key = data["input"]
        if not isinstance(key, str) or key not in TAG_INPUT_TYPES:
            problems.append(
                _problem(where, "elig.tags.unknown_input", item=show_value(key), allowed="、".join(TAG_INPUT_TYPES))
            )
            return None
        values = [data["equals"]] if "equals" in data else data["in"]
        kind = TAG_INPUT_TYPES[key]
        if not isinstance(values, list) or not values or not all(_is_value(v, kind) for v in values):
            kind_text = t(f"elig.tags.kind.{kind.__name__}")
            got = show_value(data.get("equals", data.get("in")))
            problems.append(_problem(where, "elig.tags.bad_values", item=key, kind=kind_text, got=got))
            return None
        return InputIn(key=key, values=tuple(values))
    if keys == {"cause"}:
        causes = data["cause"] if isinstance(data["cause"], list) else [data["cause"]]
        if not causes or not all(_is_value(c, int) and 1 <= c <= _MAX_CAUSE for c in causes):
            problems.append(_problem(where, "elig.tags.bad_cause", got=show_value(data["cause"])))
            return None
        return CauseIn(causes=frozenset(causes))
    if keys == {"member_identity"}:
        names = data["member_identity"]
        if not isinstance(names, list) or not names or not all(isinstance(n, str) and n.strip() for n in names):
            problems.append(_problem(where, "elig.tags.bad_texts", got=show_value(names)))
            return None
        return MemberIdentityIn(identities=tuple(n.strip() for n in names))
    if keys == {"member_health_contains"}:
        text = data["member_health_contains"]
        if not isinstance(text, str) or not text.strip():
            problems.append(_problem(where, "elig.tags.bad_texts", got=show_value(text)))
            return None
        return MemberHealthContains(text=text.strip())
    if keys == {"disability"}:
        if not isinstance(data["disability"], bool):
            problems.append(_problem(where, "elig.tags.bad_bool", got=show_value(data["disability"])))
            return None
        return DisabilityIs(present=data["disability"])
    problems.append(_problem(where, "elig.tags.bad_condition", kinds=_CONDITION_KINDS, got=show_value(data)))
    return None


def _parse_rule(data: object, where: str, problems: list[str]) -> TagRule | None:
    """Return one tag rule, recording its problems; None when unusable."""
    if not isinstance(data, Mapping):
        problems.append(_problem(where, "elig.tags.rule_not_object", got=show_value(data)))
        return None
    before = len(problems)
    if isinstance(data.get("tag"), str) and data["tag"].strip():
        where = f"{where}（{data['tag'].strip()}）"
    problems.extend(_unknown_keys(data, _RULE_KEYS, where))
    row = data.get("row")
    if not _is_value(row, int) or row < 4 or row == 10:
        problems.append(_problem(f"{where}.row", "elig.tags.bad_row", got=show_value(row)))
    tag = _text(data, "tag", where, problems, "零就业家庭")
    conditions = data.get("any")
    parsed: list[Condition] = []
    if not isinstance(conditions, list) or not conditions:
        problems.append(_problem(f"{where}.any", "elig.tags.no_conditions", got=show_value(conditions)))
    else:
        for index, condition in enumerate(conditions):
            result = _parse_condition(condition, f"{where}.any[{index}]", problems)
            if result is not None:
                parsed.append(result)
    if len(problems) > before:
        return None
    return TagRule(row=row, tag=tag, any_of=tuple(parsed))


def _duplicate_rows_and_tags(raw_rules: list[Any]) -> list[str]:
    """Return a problem for each row number or tag that two rules claim (even rules with other problems)."""
    problems: list[str] = []
    rows = [r.get("row") for r in raw_rules if isinstance(r, Mapping) and _is_value(r.get("row"), int)]
    tags = [r["tag"].strip() for r in raw_rules if isinstance(r, Mapping) and isinstance(r.get("tag"), str)]
    for row in dict.fromkeys(row for row in rows if rows.count(row) > 1):
        problems.append(_problem("rules", "elig.tags.duplicate_row", row=row))
    for tag in dict.fromkeys(tag for tag in tags if tag and tags.count(tag) > 1):
        problems.append(_problem("rules", "elig.tags.duplicate_tag", tag=tag))
    return problems


def parse_tag_rules(data: Mapping[str, Any]) -> TagRules:
    """Validate a tag rules dict and return it, or raise TagRulesError listing every problem."""
    root = t("elig.std.root")
    if not isinstance(data, Mapping):
        raise TagRulesError([_problem(root, "elig.tags.not_object", got=show_value(data))])
    problems = _unknown_keys(data, _TAGS_KEYS, root)
    version = data.get("version", "")
    if not isinstance(version, str):
        problems.append(_problem("version", "elig.std.not_text", example="jingmen-2018", got=show_value(version)))
        version = ""
    raw_rules = data.get("rules")
    rules: list[TagRule] = []
    if not isinstance(raw_rules, list) or not raw_rules:
        problems.append(_problem("rules", "elig.tags.no_rules", got=show_value(raw_rules)))
        raw_rules = []
    for index, raw in enumerate(raw_rules):
        rule = _parse_rule(raw, f"rules[{index}]", problems)
        if rule is not None:
            rules.append(rule)
    problems.extend(_duplicate_rows_and_tags(raw_rules))
    if problems:
        raise TagRulesError(problems)
    return TagRules(version=version, rules=tuple(sorted(rules, key=lambda rule: rule.row)))
