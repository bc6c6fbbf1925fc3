"""How a stored answer reads to a person (review lists, printouts)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flows.catalog import t
from flows.form import Field


def money_text(value: Any) -> str:
    """'1200.00' -> '1,200.00 元'."""
    try:
        return t("engine.money", amount=f"{Decimal(str(value)):,.2f}")
    except (InvalidOperation, ValueError):
        return str(value)


def display_value(f: Field, value: Any) -> str:
    """Human text for a stored value of field ``f``."""
    if value is None:
        return t("engine.review_skipped")
    if isinstance(value, bool):
        return t("engine.yes") if value else t("engine.no")
    if isinstance(value, list):
        return "、".join(str(v) for v in value) if value else t("engine.review_skipped")
    if isinstance(value, dict):
        return str(value.get("name") or value.get("file_id") or "")
    if f.type == "money":
        return money_text(value)
    if f.type == "number" and f.options.get("unit"):
        return f"{value} {f.options['unit']}"
    return str(value)


def mask_id(value: str) -> str:
    """Show an ID number as 420802********1232."""
    s = str(value)
    return s[:6] + "*" * max(0, len(s) - 10) + s[-4:] if len(s) > 10 else s
