"""附件2 困难城镇职工情况统计表, computed in one SQL aggregation over the interview columns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, literal, select
from sqlalchemy.engine import Connection
from sqlmodel import col

from exports.query import Filters, conditions
from flows.catalog import t
from storage.models import Interview


@dataclass(frozen=True)
class StatRow:
    """One row of 附件2: 序号, 类别, 户数, 人数."""

    no: int
    label: str
    households: int
    people: int


def _like_tag(tag: str) -> str:
    """LIKE pattern for a tag inside the "|a|b|" column, with LIKE's wildcards escaped."""
    escaped = tag.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%|{escaped}|%"


def compute_stats(conn: Connection, filters: Filters, *, categories: Sequence[str],
                  tags: Sequence[str]) -> list[StatRow]:
    """Rows 1–10 of 附件2 for households that meet a criterion (the overridden 困难类别 counts when present).

    ``categories`` are rows 1–3 (低保户, 低保边缘户, 意外致困户) and ``tags`` rows 4–9, in table order.
    """
    effective = func.coalesce(col(Interview.override_category), col(Interview.category))
    size = func.coalesce(col(Interview.household_size), 0)
    one, zero = literal(1), literal(0)
    tests = [effective == c for c in categories] + [col(Interview.tags).like(_like_tag(g), escape="\\") for g in tags]
    sums: list[Any] = []
    for test in tests:
        sums.append(func.sum(case((test, one), else_=zero)))
        sums.append(func.sum(case((test, size), else_=zero)))
    sums += [func.count(), func.sum(size)]
    stmt = select(*sums).where(effective.in_(list(categories)), *conditions(filters))
    values = [int(v or 0) for v in conn.execute(stmt).one()]
    labels = list(categories) + list(tags) + [t("export.stats.total")]
    return [StatRow(i + 1, label, values[2 * i], values[2 * i + 1]) for i, label in enumerate(labels)]
