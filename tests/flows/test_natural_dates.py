"""Dates typed the way people type them on a phone (issue 12), for birth, work-start and recent dates.

Each row: what was typed, the field's options, and what is stored — a value, ``Confirm(value)`` when
it is stored only after a yes/no confirmation, ``MONTH_ONLY`` (asked again, the engine may offer the
ID number's day) or ``ASK`` (asked again).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.answers import Invalid, Valid
from flows.catalog.dates import MESSAGES as TEXTS
from flows.dates import MonthOnly, parse_date
from flows.field_types import validate
from tests.flows.test_natural_numbers import ASK, Confirm

TODAY = date(2026, 11, 29)
BIRTH: dict[str, Any] = {}  # 出生日期: not in the future, a full date needed
WORK = {"allow_month": True}  # 工作时间: a month is enough
RECENT = {"recent": True}  # 确定时间, 回访日期
RECENT_MONTH = {"recent": True, "allow_month": True}  # 帮扶日期
MONTH_ONLY = "month only"

DATES: list[tuple[str, dict[str, Any], Any]] = [
    # the examples
    ("75年5月12日", BIRTH, "1975-05-12"), ("75-5-12", BIRTH, "1975-05-12"), ("95年7月", WORK, "1995-07"),
    ("一九七五年五月十二日", BIRTH, "1975-05-12"), ("今天", RECENT, "2026-11-29"), ("1948年2月", BIRTH, MONTH_ONLY),
    ("75.5.12", BIRTH, "1975-05-12"), ("750512", BIRTH, ASK),
    # two-digit years
    ("75/5/12", BIRTH, "1975-05-12"), ("80年3月8号", BIRTH, "1980-03-08"), ("68年10月1日", BIRTH, "1968-10-01"),
    ("99年12月31日", BIRTH, "1999-12-31"), ("63年1月5日", BIRTH, "1963-01-05"), ("80-5-3", BIRTH, "1980-05-03"),
    ("88.8.8", BIRTH, "1988-08-08"), ("95年7月1日", WORK, "1995-07-01"), ("98年7月", WORK, "1998-07"),
    ("03年9月", WORK, "2003-09"), ("05年7月", WORK, "2005-07"),
    # 1916 is within a lifetime: the later reading is shown for one tap rather than guessed
    ("16年3月", WORK, Confirm("2016-03")),
    ("10年3月5日", BIRTH, Confirm("2010-03-05")), ("25年5月12日", BIRTH, Confirm("2025-05-12")),
    ("26年12月1日", BIRTH, "1926-12-01"), ("27年1月1日", BIRTH, "1927-01-01"), ("75年", BIRTH, ASK),
    ("75年2月30日", BIRTH, ASK), ("75年13月1日", BIRTH, ASK), ("95.7", WORK, ASK), ("95-7", WORK, ASK),
    ("75年5月", BIRTH, MONTH_ONLY), ("25年11月3日", RECENT, "2025-11-03"), ("26年11月3日", RECENT, "2026-11-03"),
    ("26年12月3日", RECENT, "1926-12-03"),
    # Chinese numerals
    ("一九七五年五月", WORK, "1975-05"), ("二〇一八年三月", WORK, "2018-03"), ("二零一八年三月", WORK, "2018-03"),
    ("七五年五月", WORK, "1975-05"), ("七五年五月十二日", BIRTH, "1975-05-12"), ("一九八〇年十月一日", BIRTH, "1980-10-01"),
    ("一九九〇年十二月三十一日", BIRTH, "1990-12-31"), ("二〇〇三年九月一号", BIRTH, "2003-09-01"),
    ("一九七五年五月", BIRTH, MONTH_ONLY), ("二〇二六年十一月二十九日", BIRTH, "2026-11-29"),
    ("二〇二六年十二月一日", BIRTH, ASK), ("一九七五年十三月", WORK, ASK),
    # four-digit forms people use (unchanged)
    ("1975年5月12日", BIRTH, "1975-05-12"), ("1975-5-12", BIRTH, "1975-05-12"), ("19750512", BIRTH, "1975-05-12"),
    ("1975.05.12", BIRTH, "1975-05-12"), ("1975 5 12", BIRTH, "1975-05-12"), ("1975年5月12号", BIRTH, "1975-05-12"),
    ("1975年5月12日出生", BIRTH, "1975-05-12"), ("1995年7月参加工作", WORK, "1995-07"), ("1995.7", WORK, "1995-07"),
    ("199507", WORK, "1995-07"), ("1948年2月", WORK, "1948-02"), ("1948-02", BIRTH, MONTH_ONLY),
    ("2027-01-01", BIRTH, ASK), ("1899-12-31", BIRTH, ASK),
    # relative days where a recent date is asked
    ("昨天", RECENT, "2026-11-28"), ("前天", RECENT, "2026-11-27"), ("今日", RECENT, "2026-11-29"),
    ("今天", BIRTH, ASK), ("昨天", BIRTH, ASK), ("今天", WORK, ASK), ("本月", RECENT_MONTH, "2026-11"),
    ("上个月", RECENT_MONTH, "2026-10"), ("11月20日", RECENT, "2026-11-20"), ("12月5日", RECENT, "2025-12-05"),
    ("11月20日", BIRTH, ASK), ("明天", RECENT, ASK), ("上周", RECENT, ASK),
    # nonsense
    ("不记得了", BIRTH, ASK), ("很早以前", WORK, ASK), ("5.12", BIRTH, ASK), ("1975", WORK, ASK), ("", BIRTH, ASK),
]


@pytest.mark.parametrize(("typed", "options", "expected"), DATES)
def test_dates_as_people_type_them(typed: str, options: dict[str, Any], expected: Any) -> None:
    result = parse_date(typed, today=TODAY, **options)
    if expected in (ASK, MONTH_ONLY):
        assert isinstance(result, Invalid), f"stored {result}"
        assert "例如" in result.message
        assert isinstance(result, MonthOnly) == (expected == MONTH_ONLY), result
        return
    assert isinstance(result, Valid), f"asked again: {result}"
    if isinstance(expected, Confirm):
        assert result.confirm, f"stored without confirmation: {result}"
        assert result.value == expected.value
    else:
        assert (result.value, result.confirm) == (expected, None)


def test_month_only_birth_date_carries_the_month_for_the_id_offer() -> None:
    result = parse_date("1948年2月", today=TODAY)
    assert isinstance(result, MonthOnly) and result.month == "1948-02"
    assert "具体哪一天" in result.message and "1948-02-15" in result.message


def test_a_future_month_is_refused_not_offered() -> None:
    result = parse_date("2027年2月", today=TODAY)
    assert isinstance(result, Invalid) and not isinstance(result, MonthOnly)


def test_ambiguous_century_names_both_years() -> None:
    result = parse_date("25年5月12日", today=TODAY)
    assert isinstance(result, Valid) and result.confirm
    assert "2025-05-12" in result.confirm and "1925" in result.confirm


def test_interpreted_dates_say_what_was_recorded() -> None:
    assert parse_date("75年5月12日", today=TODAY).note == "已记录为 1975-05-12"  # type: ignore[union-attr]
    assert parse_date("昨天", today=TODAY, recent=True).note == "已记录为 2026-11-28"  # type: ignore[union-attr]
    assert parse_date("一九七五年五月十二日", today=TODAY).note == "已记录为 1975-05-12"  # type: ignore[union-attr]
    assert parse_date("1975-05-12", today=TODAY).note is None  # type: ignore[union-attr]


def test_validators_dispatch_still_reaches_the_new_reader() -> None:
    result = validate("date", "75年5月12日", today=TODAY)
    assert isinstance(result, Valid) and result.value == "1975-05-12"


def test_every_refusal_text_gives_an_example() -> None:
    for key, text in TEXTS.items():
        if key not in ("v.date.note",):
            assert "例如" in text, key


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.one_of(st.text(max_size=60),
                   st.text(alphabet="0123456789-/. 年月日号〇零一二两三四五六七八九十今昨前天本上个", max_size=20)),
    options=st.sampled_from([BIRTH, WORK, RECENT, RECENT_MONTH, {"not_future": False}, {"min_year": 1950}]),
)
def test_no_input_raises(text: str, options: dict[str, Any]) -> None:
    result = parse_date(text, today=TODAY, **options)
    assert isinstance(result, (Valid, Invalid))
    if isinstance(result, Invalid):
        assert "例如" in result.message
