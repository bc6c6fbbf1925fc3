"""The 附件2 tag rules: which rows of 附件2 a household counts in, parsed and validated from plain data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flows.catalog import t
from flows.standards import StandardsError, normalize_name, problem_line, required_text, show_value, unknown_keys

_MAX_CAUSE = 10  # 致困原因 are numbered 1–10 on the paper form

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

_TAGS_KEYS = ("version", "source", "note", "rules")
_RULE_KEYS = ("row", "tag", "any", "note")
_CONDITION_KINDS = "input+equals, input+in, cause, member_identity, member_health_contains, disability"


class TagRulesError(StandardsError):
    """A tag rules file that breaks the rules; ``problems`` lists every problem found."""

    title_key = "elig.tags.title"


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
        problems.append(problem_line(where, "elig.tags.bad_condition", kinds=_CONDITION_KINDS, got=show_value(data)))
        return None
    keys = set(data)
    if keys in ({"input", "equals"}, {"input", "in"}):
        key = data["input"]
        if not isinstance(key, str) or key not in TAG_INPUT_TYPES:
            problems.append(
                problem_line(where, "elig.tags.unknown_input", item=show_value(key), allowed="、".join(TAG_INPUT_TYPES))
            )
            return None
        values = [data["equals"]] if "equals" in data else data["in"]
        kind = TAG_INPUT_TYPES[key]
        if not isinstance(values, list) or not values or not all(_is_value(v, kind) for v in values):
            kind_text = t(f"elig.tags.kind.{kind.__name__}")
            got = show_value(data.get("equals", data.get("in")))
            problems.append(problem_line(where, "elig.tags.bad_values", item=key, kind=kind_text, got=got))
            return None
        return InputIn(key=key, values=tuple(values))
    if keys == {"cause"}:
        causes = data["cause"] if isinstance(data["cause"], list) else [data["cause"]]
        if not causes or not all(_is_value(c, int) and 1 <= c <= _MAX_CAUSE for c in causes):
            problems.append(problem_line(where, "elig.tags.bad_cause", got=show_value(data["cause"])))
            return None
        return CauseIn(causes=frozenset(causes))
    if keys == {"member_identity"}:
        names = data["member_identity"]
        if not isinstance(names, list) or not names or not all(isinstance(n, str) and n.strip() for n in names):
            problems.append(problem_line(where, "elig.tags.bad_texts", got=show_value(names)))
            return None
        return MemberIdentityIn(identities=tuple(n.strip() for n in names))
    if keys == {"member_health_contains"}:
        text = data["member_health_contains"]
        if not isinstance(text, str) or not text.strip():
            problems.append(problem_line(where, "elig.tags.bad_texts", got=show_value(text)))
            return None
        return MemberHealthContains(text=text.strip())
    if keys == {"disability"}:
        if not isinstance(data["disability"], bool):
            problems.append(problem_line(where, "elig.tags.bad_bool", got=show_value(data["disability"])))
            return None
        return DisabilityIs(present=data["disability"])
    problems.append(problem_line(where, "elig.tags.bad_condition", kinds=_CONDITION_KINDS, got=show_value(data)))
    return None


def _parse_rule(data: object, where: str, problems: list[str]) -> TagRule | None:
    """Return one tag rule, recording its problems; None when unusable."""
    if not isinstance(data, Mapping):
        problems.append(problem_line(where, "elig.tags.rule_not_object", got=show_value(data)))
        return None
    before = len(problems)
    if isinstance(data.get("tag"), str) and data["tag"].strip():
        where = f"{where}（{data['tag'].strip()}）"
    problems.extend(unknown_keys(data, _RULE_KEYS, where))
    row = data.get("row")
    if not _is_value(row, int) or row < 4 or row == 10:
        problems.append(problem_line(f"{where}.row", "elig.tags.bad_row", got=show_value(row)))
    tag = required_text(data, "tag", where, problems, t("elig.example.tag"))
    conditions = data.get("any")
    parsed: list[Condition] = []
    if not isinstance(conditions, list) or not conditions:
        problems.append(problem_line(f"{where}.any", "elig.tags.no_conditions", got=show_value(conditions)))
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
        problems.append(problem_line("rules", "elig.tags.duplicate_row", row=row))
    for tag in dict.fromkeys(tag for tag in tags if tag and tags.count(tag) > 1):
        problems.append(problem_line("rules", "elig.tags.duplicate_tag", tag=tag))
    return problems


def parse_tag_rules(data: Mapping[str, Any]) -> TagRules:
    """Validate a tag rules dict and return it, or raise TagRulesError listing every problem."""
    root = t("elig.std.root")
    if not isinstance(data, Mapping):
        raise TagRulesError([problem_line(root, "elig.tags.not_object", got=show_value(data))])
    problems = unknown_keys(data, _TAGS_KEYS, root)
    version = data.get("version", "")
    if not isinstance(version, str):
        problems.append(problem_line("version", "elig.std.not_text", example="jingmen-2018", got=show_value(version)))
        version = ""
    raw_rules = data.get("rules")
    rules: list[TagRule] = []
    if not isinstance(raw_rules, list) or not raw_rules:
        problems.append(problem_line("rules", "elig.tags.no_rules", got=show_value(raw_rules)))
        raw_rules = []
    for index, raw in enumerate(raw_rules):
        rule = _parse_rule(raw, f"rules[{index}]", problems)
        if rule is not None:
            rules.append(rule)
    problems.extend(_duplicate_rows_and_tags(raw_rules))
    if problems:
        raise TagRulesError(problems)
    return TagRules(version=version, rules=tuple(sorted(rules, key=lambda rule: rule.row)))
