"""What the 困难类别 decision reads (spec/eligibility.md §5): the checked inputs, from Python or from JSON.

Every value is checked here, once, whether it comes from the form's answers (``Inputs(...)``) or from an
`intake assess` JSON object (``inputs_from_mapping``); a bad one raises ``InputError`` naming the field.
The decision itself is flows/eligibility.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flows.catalog import t
from flows.categories import DEFAULT_HOUSING, DEFAULT_WORK_STATUS, NO_DISABILITY
from flows.health import HEALTH_GOOD
from flows.lexicon import NO_TEXT, YES_TEXT
from flows.standards import parse_decimal, show_value

__all__ = [
    "DEFAULT_HOUSING", "DEFAULT_WORK_STATUS", "HEALTH_GOOD", "MAX_AMOUNT", "MAX_CAUSE",
    "MAX_SECONDARY", "MIN_CAUSE", "NO_DISABILITY", "InputError", "Inputs", "Member", "inputs_from_mapping",
]

MIN_CAUSE, MAX_CAUSE, MAX_SECONDARY = 1, 10, 3
# Far above any household's income; keeps every figure exact in a 50-digit Decimal context.
MAX_AMOUNT = Decimal(10) ** 12

_REQUIRED = ("region", "household_size", "household_annual_income")



class InputError(ValueError):
    """An assessment input that breaks spec §5; ``field`` is its key, ``message`` says what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _label(field: str) -> str:
    """Return the Chinese label of an input key such as ``family_members[0].health`` or ``member.health``."""
    if field.startswith("family_members[") and "]." in field:
        index, _, sub = field[len("family_members[") :].partition("].")
        return t("elig.field.member", n=int(index) + 1, label=t(f"elig.field.member.{sub}"))
    return t(f"elig.field.{field}")


def _example(field: str) -> str:
    """Return an example of a good value for an input key."""
    return t(f"elig.example.{field.rpartition('.')[2]}")


def _fail(field: str, problem: str, **kwargs: object) -> InputError:
    """Return the InputError for ``field`` with catalog problem ``problem``."""
    text = t(f"elig.input.{problem}", example=_example(field), **kwargs)
    return InputError(field, t("elig.input.error", field=field, label=_label(field), problem=text))


# --- checks shared by the dataclasses and the JSON reader --------------------


def _check_int(field: str, value: object, minimum: int, maximum: int | None = None) -> int:
    """Return ``value`` if it is an int in range, else raise InputError."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise _fail(field, "not_int", got=show_value(value))
    if value < minimum or (maximum is not None and value > maximum):
        if maximum is None:
            raise _fail(field, "min", min=minimum, got=show_value(value))
        raise _fail(field, "range", lo=minimum, hi=maximum, got=show_value(value))
    return value


def _check_amount(field: str, value: object) -> Decimal:
    """Return ``value`` (Decimal or int) as a Decimal in 0 … MAX_AMOUNT, else raise InputError."""
    if isinstance(value, Decimal):
        amount: Decimal | None = value if value.is_finite() else None
    elif isinstance(value, int) and not isinstance(value, bool):
        amount = Decimal(value)
    else:
        amount = None
    if amount is None:
        raise _fail(field, "not_number", got=show_value(value))
    if amount < 0:
        raise _fail(field, "negative", got=show_value(value))
    if amount >= MAX_AMOUNT:
        raise _fail(field, "too_large", max=f"{MAX_AMOUNT:f}", got=show_value(value))
    return amount


def _check_bool(field: str, value: object) -> bool:
    """Return ``value`` if it is a bool, else raise InputError."""
    if not isinstance(value, bool):
        raise _fail(field, "not_bool", got=show_value(value))
    return value


def _check_text(field: str, value: object) -> str:
    """Return ``value`` stripped if it is a string, else raise InputError."""
    if not isinstance(value, str):
        raise _fail(field, "not_text", got=show_value(value))
    return value.strip()


def _check_causes(main: int | None, secondary: tuple[int, ...]) -> None:
    """Raise InputError unless the causes are 1–10, ≤3 secondary, distinct and apart from the main."""
    if main is not None:
        _check_int("main_cause", main, MIN_CAUSE, MAX_CAUSE)
    if len(secondary) > MAX_SECONDARY:
        raise _fail("secondary_causes", "too_many", max=MAX_SECONDARY, count=len(secondary))
    for cause in secondary:
        _check_int("secondary_causes", cause, MIN_CAUSE, MAX_CAUSE)
    if len(set(secondary)) != len(secondary):
        raise _fail("secondary_causes", "duplicate", got=show_value(list(secondary)))
    if main is not None and main in secondary:
        raise _fail("secondary_causes", "same_as_main", main=main)


def _set(obj: object, name: str, value: object) -> None:
    """Store a normalised value on a frozen dataclass during __post_init__."""
    object.__setattr__(obj, name, value)


@dataclass(frozen=True)
class Member:
    """One 家庭主要成员 as far as the decision needs."""

    relation: str = ""
    identity: str = ""
    health: str = HEALTH_GOOD
    monthly_income: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        """Check types and ranges; store trimmed text and a Decimal income."""
        for name in ("relation", "identity", "health"):
            _set(self, name, _check_text(f"member.{name}", getattr(self, name)))
        _set(self, "monthly_income", _check_amount("member.monthly_income", self.monthly_income))


@dataclass(frozen=True)
class Inputs:
    """The answers the decision uses: exactly the keys of spec §5."""

    region: str
    household_size: int
    household_annual_income: Decimal
    insurance_contrib_annual: Decimal = Decimal(0)
    receives_dibao: bool = False
    months_below_standard: int = 0
    necessary_expenses_annual: Decimal = Decimal(0)
    sudden_hardship: bool = False
    main_cause: int | None = None
    secondary_causes: tuple[int, ...] = ()
    single_parent: bool = False
    health: str = HEALTH_GOOD
    disability_category: str | None = None
    work_status: str = DEFAULT_WORK_STATUS
    housing_type: str = DEFAULT_HOUSING
    zero_employment: bool = False
    family_members: tuple[Member, ...] = ()

    def __post_init__(self) -> None:
        """Check every field against spec §5; store trimmed text, Decimals and tuples."""
        region = _check_text("region", self.region)
        if not region:
            raise _fail("region", "empty")
        _set(self, "region", region)
        _check_int("household_size", self.household_size, 1)
        _check_int("months_below_standard", self.months_below_standard, 0)
        for name in ("household_annual_income", "insurance_contrib_annual", "necessary_expenses_annual"):
            _set(self, name, _check_amount(name, getattr(self, name)))
        for name in ("receives_dibao", "sudden_hardship", "single_parent", "zero_employment"):
            _check_bool(name, getattr(self, name))
        for name in ("health", "work_status", "housing_type"):
            _set(self, name, _check_text(name, getattr(self, name)))
        if self.disability_category is not None:
            category = _check_text("disability_category", self.disability_category)
            _set(self, "disability_category", None if category in NO_DISABILITY else category)
        if not isinstance(self.secondary_causes, (tuple, list)):
            raise _fail("secondary_causes", "not_list", got=show_value(self.secondary_causes))
        _set(self, "secondary_causes", tuple(self.secondary_causes))
        _check_causes(self.main_cause, self.secondary_causes)
        if not isinstance(self.family_members, (tuple, list)) or not all(
            isinstance(m, Member) for m in self.family_members
        ):
            raise _fail("family_members", "not_list", got=show_value(self.family_members))
        _set(self, "family_members", tuple(self.family_members))

    @property
    def causes(self) -> frozenset[int]:
        """Return the 致困原因: the main cause together with the secondary ones."""
        main = () if self.main_cause is None else (self.main_cause,)
        return frozenset((*main, *self.secondary_causes))


# --- the JSON edge (`intake assess`) ----------------------------------------


def _read_int(value: object) -> object:
    """Return an integer given as int, whole float or digit string; other values unchanged for the check."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("+-").isdecimal():
        return int(value.strip())
    return value


def _read_amount(field: str, value: object) -> Decimal:
    """Return a number given as int, float or numeric string as a checked Decimal."""
    amount = parse_decimal(value)
    if amount is None:
        raise _fail(field, "not_number", got=show_value(value))
    return _check_amount(field, amount)


def _read_bool(field: str, value: object) -> bool:
    """Return a bool given as JSON true/false or 是/否."""
    if isinstance(value, str) and value.strip() in (YES_TEXT, NO_TEXT):  # as the archive form writes it
        return value.strip() == YES_TEXT
    return _check_bool(field, value)


def _read_member(index: int, value: object) -> Member:
    """Return one family member object as a Member, naming the bad field on error."""
    where = f"family_members[{index}]"
    if not isinstance(value, Mapping):
        raise _fail("family_members", "member_not_object", n=index + 1, got=show_value(value))
    fields: dict[str, Any] = {}
    for name in ("relation", "identity", "health"):
        if value.get(name) is not None:
            fields[name] = _check_text(f"{where}.{name}", value[name])
    if value.get("monthly_income") is not None:
        fields["monthly_income"] = _read_amount(f"{where}.monthly_income", value["monthly_income"])
    return Member(**fields)


def _read_list(field: str, value: object) -> list[Any]:
    """Return a JSON list, else raise InputError."""
    if not isinstance(value, list):
        raise _fail(field, "not_list", got=show_value(value))
    return value


def inputs_from_mapping(data: Mapping[str, Any]) -> Inputs:
    """Return the Inputs of an `intake assess` JSON object, or raise InputError naming the bad field."""
    if not isinstance(data, Mapping):
        raise InputError("input", t("elig.input.not_object", got=show_value(data)))
    for key in _REQUIRED:
        if data.get(key) is None:
            raise _fail(key, "missing")
    given = {key: value for key, value in data.items() if value is not None}
    fields: dict[str, Any] = {
        "region": _check_text("region", given["region"]),
        "household_size": _check_int("household_size", _read_int(given["household_size"]), 1),
        "household_annual_income": _read_amount("household_annual_income", given["household_annual_income"]),
    }
    for key in ("insurance_contrib_annual", "necessary_expenses_annual"):
        if key in given:
            fields[key] = _read_amount(key, given[key])
    for key in ("receives_dibao", "sudden_hardship", "single_parent", "zero_employment"):
        if key in given:
            fields[key] = _read_bool(key, given[key])
    if "months_below_standard" in given:
        fields["months_below_standard"] = _check_int(
            "months_below_standard", _read_int(given["months_below_standard"]), 0
        )
    for key in ("health", "work_status", "housing_type", "disability_category"):
        if key in given:
            fields[key] = _check_text(key, given[key])
    if "main_cause" in given:
        fields["main_cause"] = _check_int(
            "main_cause", _read_int(given["main_cause"]), MIN_CAUSE, MAX_CAUSE
        )
    if "secondary_causes" in given:
        causes = _read_list("secondary_causes", given["secondary_causes"])
        fields["secondary_causes"] = tuple(_read_int(cause) for cause in causes)
    if "family_members" in given:
        members = _read_list("family_members", given["family_members"])
        fields["family_members"] = tuple(_read_member(i, member) for i, member in enumerate(members))
    return Inputs(**fields)
