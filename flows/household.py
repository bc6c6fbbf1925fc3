"""The one place that turns the form's answers into the eligibility decision's inputs."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from flows.categories import CAUSES  # noqa: F401 (re-exported: the seed's 致困原因, numbered)
from flows.eligibility import (
    DEFAULT_HOUSING, DEFAULT_WORK_STATUS, HEALTH_GOOD, NO_DISABILITY, Inputs, InputError, Member, Result, assess,
    household_facts, result_to_json,
)
from flows.standards import StandardsTable, UnknownRegion
from flows.tag_rules import TagRules

NEEDED = ("region", "household_size", "household_annual_income")
# The only answers below_standard reads (a test holds it to that): the question list is remembered by them.
BELOW_STANDARD_READS = NEEDED + ("insurance_contrib_annual",)


def _dec(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def cause_number(text: Any) -> int | None:
    """The seed's number (1–10) of a 致困原因 option."""
    return CAUSES.index(text) + 1 if text in CAUSES else None


def inputs_from_answers(answers: Mapping[str, Any]) -> Inputs | None:
    """Inputs for the decision, or None while the household figure cannot be computed yet."""
    if any(answers.get(k) in (None, "") for k in NEEDED):
        return None
    causes_main = cause_number(answers.get("main_cause"))
    secondary = tuple(n for n in (cause_number(c) for c in answers.get("secondary_causes") or [])
                      if n is not None and n != causes_main)[:3]
    members = tuple(
        Member(relation=str(m.get("relation") or ""), identity=str(m.get("identity") or ""),
               health=str(m.get("health") or HEALTH_GOOD), monthly_income=_dec(m.get("monthly_income")))
        for m in answers.get("members") or [])
    disability = answers.get("disability_category")
    try:
        return Inputs(
            region=str(answers["region"]), household_size=int(answers["household_size"]),
            household_annual_income=_dec(answers["household_annual_income"]),
            insurance_contrib_annual=_dec(answers.get("insurance_contrib_annual")),
            receives_dibao=answers.get("receives_dibao") is True,
            months_below_standard=int(answers.get("months_below_standard") or 0),
            necessary_expenses_annual=_dec(answers.get("necessary_expenses_annual")),
            sudden_hardship=answers.get("sudden_hardship") is True,
            main_cause=causes_main, secondary_causes=secondary,
            single_parent=answers.get("single_parent") is True,
            health=str(answers.get("health") or HEALTH_GOOD),
            disability_category=str(disability) if disability and disability not in NO_DISABILITY else None,
            work_status=str(answers.get("work_status") or DEFAULT_WORK_STATUS),
            housing_type=str(answers.get("housing_type") or DEFAULT_HOUSING),
            zero_employment=answers.get("zero_employment") is True,
            family_members=members,
        )
    except (InputError, ValueError, TypeError):
        return None


def assess_answers(answers: Mapping[str, Any], table: StandardsTable, tags: TagRules) -> dict[str, Any] | None:
    """The decision as stored on the interview (spec §5 JSON + version), or None if not computable."""
    inputs = inputs_from_answers(answers)
    if inputs is None:
        return None
    try:
        result: Result = assess(inputs, table, tags)
    except UnknownRegion:
        return None
    data = result_to_json(result)
    data["standards_version"] = table.version
    # The rows 4-9 rules that hold whatever the decision: a household staff override into a
    # category must count in them too (spec §5's "tags" stay empty when not eligible).
    data["tag_facts"] = list(tags.tags_for(household_facts(inputs)))
    data["special_reasons"] = list(result.special_reasons)
    data["sudden_reasons"] = list(result.sudden_reasons)
    return data


def below_standard(answers: Mapping[str, Any], table: StandardsTable) -> bool | None:
    """Whether the household figure P is under the region's standard S (None while it cannot be told).

    P = (家庭年收入 − 个人缴纳社会保险) / 家庭人口 / 12, as in the decision; only the four answers in
    BELOW_STANDARD_READS are read, so an unrelated answer can never change it.
    """
    if any(answers.get(k) in (None, "") for k in NEEDED):
        return None
    try:
        size = int(answers["household_size"])
        income = _dec(answers["household_annual_income"])
        contrib = _dec(answers.get("insurance_contrib_annual"))
        standard = table.lookup(str(answers["region"]).strip()).standard
    except (ValueError, TypeError, UnknownRegion):
        return None
    if size < 1 or income < 0 or contrib < 0:
        return None
    return (income - contrib) / size / 12 < standard
