"""The one-sentence Chinese explanation of an eligibility decision, with the numbers it used."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flows.catalog import t
from flows.categories import CATEGORY_BY_CRITERION

_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Figures:
    """The numbers an explanation quotes."""

    region: str
    p: Decimal  # per-capita monthly net income
    adjusted: Decimal  # the same after necessary expenses
    s: Decimal
    cap: Decimal
    insurance: Decimal  # yearly insurance contributions deducted
    expenses: Decimal  # yearly necessary expenses
    months: int  # months below the standard
    min_months: int


def money(value: Decimal) -> str:
    """Return a computed amount to two decimals, half-up, never '-0.00'."""
    rounded = value.quantize(_CENT, rounding=ROUND_HALF_UP)
    return f"{abs(rounded) if rounded == 0 else rounded:f}"


def _yuan(value: Decimal) -> str:
    """Return a published or entered amount: whole yuan without decimals, else two decimals."""
    return f"{value.to_integral_value():f}" if value == value.to_integral_value() else money(value)


def _excess(value: Decimal) -> str:
    """Return how much a figure exceeds a threshold, naming amounts below one cent."""
    rounded = value.quantize(_CENT, rounding=ROUND_HALF_UP)
    return t("elig.tiny") if rounded == 0 else f"{rounded:f}"


def _versus(p: Decimal, s: Decimal, region: str) -> str:
    """Return how P compares with S: below, equal, or above by how much."""
    if p < s:
        return t("elig.below_s", region=region, s=_yuan(s))
    if p == s:
        return t("elig.equal_s", region=region, s=_yuan(s))
    return t("elig.above_s", region=region, s=_yuan(s), diff=_excess(p - s))


def _adjusted_versus(f: Figures) -> str:
    """Return how the figure after necessary expenses compares with S."""
    if f.adjusted < f.s:
        return t("elig.adj_below", s=_yuan(f.s))
    if f.adjusted == f.s:
        return t("elig.adj_equal", s=_yuan(f.s))
    return t("elig.adj_above", s=_yuan(f.s), diff=_excess(f.adjusted - f.s))


def explain(criterion: int | None, f: Figures, special: tuple[str, ...], sudden: tuple[str, ...]) -> str:
    """Return the one-sentence Chinese explanation with the numbers used."""
    insurance = f.insurance
    p_text = (
        t("elig.p_insurance", p=money(f.p), insurance=_yuan(insurance)) if insurance else t("elig.p", p=money(f.p))
    )
    sep = t("elig.sep")
    common = {
        "p_text": p_text,
        "vs_s": _versus(f.p, f.s, f.region),
        "cap": _yuan(f.cap),
        "s3": _yuan(3 * f.s),
        "months": f.months,
        "reasons": sep.join(special),
        "sudden": sep.join(sudden),
        "expenses": _yuan(f.expenses),
        "adjusted": money(f.adjusted),
        "adj_vs_s": _adjusted_versus(f),
    }
    if criterion is not None:
        return t(f"elig.c{criterion}", category=CATEGORY_BY_CRITERION[criterion], **common)
    parts = [p_text, t("elig.comma"), common["vs_s"]]
    if f.p < f.s:
        # Below S, not eligible: no 低保, too few months, no special reason and no sudden hardship.
        parts.append(t("elig.fail_months", months=f.months, min=f.min_months))
        parts.append(t("elig.fail_no_special"))
    elif f.p <= f.cap:
        parts.append(t("elig.fail_within_cap", cap=common["cap"]))
    else:
        parts.append(t("elig.fail_above_cap", cap=common["cap"], diff=_excess(f.p - f.cap)))
    if f.p > 3 * f.s:
        parts.append(t("elig.fail_above_3s", s3=common["s3"], diff=_excess(f.p - 3 * f.s)))
    elif not sudden:
        parts.append(t("elig.fail_no_sudden"))
    else:
        parts.append(t("elig.fail_sudden_adjusted", **common))
    parts.append(t("elig.fail_end"))
    return "".join(parts)
