"""The 困难类别 decision of spec/eligibility.md: criteria 1–4, their reasons and the 附件2 tags.

The inputs it reads, and their checks, are flows/eligibility_inputs.py (re-exported here, so
``from flows.eligibility import Inputs, InputError, inputs_from_mapping`` keeps working); the Chinese
explanation is flows/explanation.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any

from flows.categories import (  # noqa: F401 (re-exported: callers read the names from here too)
    CATEGORIES, CATEGORY_BY_CRITERION, CATEGORY_DIBAO, CATEGORY_EDGE, CATEGORY_SUDDEN, NOT_ELIGIBLE, REASON_DISABILITY,
    REASON_ILLNESS, REASON_OTHER, REASON_SCHOOL, REASON_SINGLE_PARENT, STUDENT_IDENTITIES, SUDDEN_BY_CAUSE,
    SUDDEN_DECLARED,
)
from flows.eligibility_inputs import (  # noqa: F401 (re-exported: the public names of the decision's inputs)
    DEFAULT_HOUSING, DEFAULT_WORK_STATUS, HEALTH_GOOD, MAX_AMOUNT, MAX_CAUSE, MAX_SECONDARY, MIN_CAUSE,
    NO_DISABILITY, InputError, Inputs, Member, inputs_from_mapping,
)
from flows.explanation import Figures, explain, money
from flows.health import DISABILITY_WORD
from flows.standards import StandardsTable
from flows.tag_rules import TAG_INPUT_TYPES, HouseholdFacts, TagRules

MIN_MONTHS = 6
CAUSE_ILLNESS, CAUSE_SCHOOL, CAUSE_OTHER = 6, 9, 10
_PRECISION = 50


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


# --- the JSON output (`intake assess`) ---------------------------------------


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
