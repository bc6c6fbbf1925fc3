"""The 低保 standards table, parsed and validated from plain data (the 附件2 tag rules: ``flows.tag_rules``)."""

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
_MAX_STANDARD = Decimal(10) ** 6  # 元/人/月; anything near this is a typo, and it keeps the arithmetic exact

_TABLE_KEYS = ("version", "effective_date", "source", "note", "regions")
_REGION_KEYS = ("name", "aliases", "standard", "cap", "note")


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


def problem_line(where: str, message: str, /, **kwargs: object) -> str:
    """Return one located problem line from catalog key ``message``."""
    return t("elig.std.problem", where=where, problem=t(message, **kwargs))


def unknown_keys(data: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> list[str]:
    """Return a problem for each key of ``data`` not in ``allowed`` (typos are errors)."""
    return [
        problem_line(where, "elig.std.unknown_key", item=key, allowed="、".join(allowed))
        for key in data
        if key not in allowed
    ]


def required_text(data: Mapping[str, Any], key: str, where: str, problems: list[str], example: str) -> str:
    """Return the non-empty string ``data[key]``, recording a problem when it is not one."""
    value = data.get(key)
    if isinstance(value, str) and value.strip():
        return value.strip()
    if key not in data:
        problems.append(problem_line(where, "elig.std.missing", item=key, example=example))
    else:
        problems.append(problem_line(f"{where}.{key}", "elig.std.not_text", example=example, got=show_value(value)))
    return ""


def parse_standards(data: Mapping[str, Any]) -> StandardsTable:
    """Validate a standards table dict and return it, or raise StandardsError listing every problem."""
    root = t("elig.std.root")
    if not isinstance(data, Mapping):
        raise StandardsError([problem_line(root, "elig.std.not_object", got=show_value(data))])
    problems = unknown_keys(data, _TABLE_KEYS, root)
    version = required_text(data, "version", root, problems, "jingmen-2018")
    effective = date.min
    raw_date = data.get("effective_date")
    if "effective_date" not in data:
        problems.append(problem_line(root, "elig.std.missing", item="effective_date", example="2018-03-15"))
    else:
        try:
            effective = date.fromisoformat(raw_date) if isinstance(raw_date, str) else None
        except ValueError:
            effective = None
        if effective is None:
            problems.append(problem_line("effective_date", "elig.std.bad_date", got=show_value(raw_date)))
            effective = date.min
    source = data.get("source", "")
    if not isinstance(source, str):
        problems.append(problem_line("source", "elig.std.not_text", example=t("elig.example.source"),
                                     got=show_value(source)))
        source = ""
    standards: list[Standard] = []
    regions = data.get("regions")
    if not isinstance(regions, list) or not regions:
        problems.append(problem_line("regions", "elig.std.no_regions", got=show_value(regions)))
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
        problems.append(problem_line(where, "elig.std.region_not_object", got=show_value(region)))
        return None
    before = len(problems)
    name = region.get("name")
    if isinstance(name, str) and name.strip():
        name = name.strip()
        where = f"{where}（{name}）"
    problems.extend(unknown_keys(region, _REGION_KEYS, where))
    name = required_text(region, "name", where, problems, t("elig.example.region"))
    aliases = region.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        problems.append(problem_line(f"{where}.aliases", "elig.std.bad_aliases", got=show_value(aliases)))
        aliases = []
    amount = parse_decimal(region.get("standard"))
    if "standard" not in region:
        problems.append(problem_line(where, "elig.std.missing", item="standard", example="575"))
    elif amount is None or not 0 < amount < _MAX_STANDARD:
        problems.append(problem_line(f"{where}.standard", "elig.std.bad_amount", got=show_value(region.get("standard"))))
        amount = None
    cap: Decimal | None = None
    if "cap" in region and region["cap"] is not None:
        cap = parse_decimal(region["cap"])
        if cap is None or not 0 < cap < _MAX_STANDARD:
            problems.append(problem_line(f"{where}.cap", "elig.std.bad_amount", got=show_value(region["cap"])))
            cap = None
        elif amount is not None and cap < amount:
            problems.append(problem_line(f"{where}.cap", "elig.std.cap_below", cap=cap, standard=amount))
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
                    problem_line(f"regions[{index}]（{names[0]}）", "elig.std.duplicate_name", name=name, other=other)
                )
    return problems
