"""The 困难类别 decision of spec/eligibility.md: criteria 1–4, their reasons and the 附件2 tags."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any

from flows.catalog import t
from flows.categories import (  # noqa: F401 (re-exported: callers read the names from here too)
    CATEGORIES, CATEGORY_BY_CRITERION, CATEGORY_DIBAO, CATEGORY_EDGE, CATEGORY_SUDDEN, NOT_ELIGIBLE, REASON_DISABILITY,
    REASON_ILLNESS, REASON_OTHER, REASON_SCHOOL, REASON_SINGLE_PARENT, SUDDEN_BY_CAUSE, SUDDEN_DECLARED,
)
from flows.explanation import Figures, explain, money
from flows.lexicon import NO_TEXT, YES_TEXT
from flows.standards import StandardsTable, parse_decimal, show_value
from flows.tag_rules import TAG_INPUT_TYPES, HouseholdFacts, TagRules

HEALTH_GOOD = "良好"
STUDENT_IDENTITIES = ("高中生", "大学生")
DISABILITY_WORD = "残疾"
NO_DISABILITY = ("", "无")  # what 残疾类别 holds when the worker has none
MIN_MONTHS = 6
CAUSE_ILLNESS, CAUSE_SCHOOL, CAUSE_OTHER = 6, 9, 10
MIN_CAUSE, MAX_CAUSE, MAX_SECONDARY = 1, 10, 3
# Far above any household's income; keeps every figure exact in a 50-digit Decimal context.
MAX_AMOUNT = Decimal(10) ** 12

_PRECISION = 50
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
    work_status: str = "在岗"
    housing_type: str = "自建房"
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


@dataclass(frozen=True)
class Result:
    """The decision with the numbers used and a Chinese explanation."""

    eligible: bool
    category: str | None
    criterion: int | None
    per_capita_monthly_income: Decimal
    standard: Decimal
    cap: Decimal
    tags: tuple[str, ...]
    explanation: str
    standards_version: str
    special_reasons: tuple[str, ...]
    sudden_reasons: tuple[str, ...]


# --- the decision -------------------------------------------------------------


def special_reasons(inputs: Inputs) -> tuple[str, ...]:
    """Return the criterion-3 special reasons that hold, in spec order."""
    causes = inputs.causes
    member_healths = [m.health for m in inputs.family_members]
    reasons: list[str] = []
    if CAUSE_ILLNESS in causes or any(h and h != HEALTH_GOOD for h in (inputs.health, *member_healths)):
        reasons.append(REASON_ILLNESS)
    if CAUSE_SCHOOL in causes or any(m.identity in STUDENT_IDENTITIES for m in inputs.family_members):
        reasons.append(REASON_SCHOOL)
    if inputs.disability_category is not None or any(DISABILITY_WORD in h for h in member_healths):
        reasons.append(REASON_DISABILITY)
    if inputs.single_parent:
        reasons.append(REASON_SINGLE_PARENT)
    if CAUSE_OTHER in causes:
        reasons.append(REASON_OTHER)
    return tuple(reasons)


def sudden_reasons(inputs: Inputs) -> tuple[str, ...]:
    """Return the criterion-4 sudden hardships that hold: causes 6/7/8, then the declared one."""
    causes = inputs.causes
    reasons = [label for cause, label in sorted(SUDDEN_BY_CAUSE.items()) if cause in causes]
    if inputs.sudden_hardship:
        reasons.append(SUDDEN_DECLARED)
    return tuple(reasons)


def household_facts(inputs: Inputs) -> HouseholdFacts:
    """Return what the 附件2 tag rules may test about ``inputs``."""
    return HouseholdFacts(
        values={key: getattr(inputs, key) for key in TAG_INPUT_TYPES},
        causes=inputs.causes,
        member_identities=tuple(m.identity for m in inputs.family_members),
        member_healths=tuple(m.health for m in inputs.family_members),
        has_disability=inputs.disability_category is not None,
    )


def assess(inputs: Inputs, table: StandardsTable, tag_rules: TagRules) -> Result:
    """Decide the 困难类别 of ``inputs`` by spec/eligibility.md §3–§4 against ``table``."""
    standard = table.lookup(inputs.region)
    s, cap = standard.standard, standard.cap
    special = special_reasons(inputs)
    sudden = sudden_reasons(inputs)
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        # Compare the yearly net with threshold × 12 × size: exact, the same as comparing P unrounded.
        months_people = Decimal(12 * inputs.household_size)
        net = inputs.household_annual_income - inputs.insurance_contrib_annual
        adjusted_net = net - inputs.necessary_expenses_annual
        below = net < s * months_people
        if below and inputs.receives_dibao:
            criterion: int | None = 2
        elif below and inputs.months_below_standard >= MIN_MONTHS:
            criterion = 1
        elif net <= cap * months_people and special:
            criterion = 3
        elif net <= 3 * s * months_people and sudden and adjusted_net <= s * months_people:
            criterion = 4
        else:
            criterion = None
        figures = Figures(
            region=standard.region,
            p=net / months_people,
            adjusted=adjusted_net / months_people,
            s=s,
            cap=cap,
            insurance=inputs.insurance_contrib_annual,
            expenses=inputs.necessary_expenses_annual,
            months=inputs.months_below_standard,
            min_months=MIN_MONTHS,
        )
        explanation = explain(criterion, figures, special, sudden)
    eligible = criterion is not None
    return Result(
        eligible=eligible,
        category=CATEGORY_BY_CRITERION[criterion] if criterion is not None else None,
        criterion=criterion,
        per_capita_monthly_income=figures.p,
        standard=s,
        cap=cap,
        tags=tag_rules.tags_for(household_facts(inputs)) if eligible else (),
        explanation=explanation,
        standards_version=table.version,
        special_reasons=special,
        sudden_reasons=sudden,
    )


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


def _json_number(value: Decimal) -> int | float:
    """Return a Decimal as a JSON number: an int when whole, else a float."""
    return int(value) if value == value.to_integral_value() else float(value)


def result_to_json(result: Result) -> dict[str, Any]:
    """Return the `intake assess` output object of spec §5 (plus standards_version)."""
    return {
        "eligible": result.eligible,
        "category": result.category,
        "criterion": result.criterion,
        "per_capita_monthly_income": float(money(result.per_capita_monthly_income)),
        "standard": _json_number(result.standard),
        "cap": _json_number(result.cap),
        "tags": list(result.tags),
        "explanation": result.explanation,
        "standards_version": result.standards_version,
    }
