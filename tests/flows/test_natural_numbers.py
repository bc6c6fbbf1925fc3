"""Money, counts and month spans typed the way workers and surveyors type on a phone (issue 12).

Each row: what was typed, the field's options, and what is stored — a value, ``Confirm(value)`` when the
value is stored only after a yes/no confirmation, or ``ASK`` when the question is asked again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.answers import Invalid, Valid
from flows.catalog.answers import MESSAGES as ANSWER_TEXTS
from flows.numbers import parse_count, parse_money, parse_months, read_number
from flows.validators import parse_money as reexported_parse_money


@dataclass(frozen=True)
class Confirm:
    """Stored after the person confirms the shown number."""

    value: Any


ASK = "asked again"
MONTH = {"period": "month"}
YEAR = {"period": "year"}
NO_ZERO = {"allow_zero": False}

MONEY: list[tuple[str, dict[str, Any], Any]] = [
    # the examples
    ("一千二", {}, "1200.00"), ("两千四", {}, "2400.00"), ("六百", {}, "600.00"), ("3千5", {}, "3500.00"),
    ("1.2千", {}, "1200.00"), ("两千", {}, "2000.00"), ("¥1200", {}, "1200.00"), ("1200块", {}, "1200.00"),
    ("1.2万", {}, "12000.00"), ("无", {}, "0.00"), ("没有", {}, "0.00"),
    # numerals and shorthand
    ("一万二", {}, "12000.00"), ("1万2", {}, "12000.00"), ("三百五十", {}, "350.00"), ("三百五", {}, "350.00"),
    ("一千五百", {}, "1500.00"), ("一千零五十", {}, "1050.00"), ("两万五", {}, "25000.00"),
    ("一万零八百", {}, "10800.00"), ("八百块", {}, "800.00"), ("五百元", {}, "500.00"), ("两百", {}, "200.00"),
    ("二百五十块钱", {}, "250.00"), ("十万", YEAR, "100000.00"), ("1千", {}, "1000.00"), ("2千", {}, "2000.00"),
    ("1.5k", {}, "1500.00"), ("1.2w", {}, "12000.00"), ("3w", YEAR, "30000.00"), ("壹仟贰佰元整", {}, "1200.00"),
    ("一点二万", {}, "12000.00"), ("一千二百块", {}, "1200.00"), ("4千", {}, "4000.00"), ("九百", {}, "900.00"),
    ("两千五百元", {}, "2500.00"), ("1,850", {}, "1850.00"), ("１８５０", {}, "1850.00"), ("1850元", {}, "1850.00"),
    ("RMB 1200", {}, "1200.00"), ("人民币1200元", {}, "1200.00"), ("￥ 2,400.00", {}, "2400.00"),
    ("2400。", {}, "2400.00"),
    # monthly / yearly markers at questions that say which
    ("每月1200", MONTH, "1200.00"), ("一个月两千", MONTH, "2000.00"), ("1200/月", MONTH, "1200.00"),
    ("1200元/月", MONTH, "1200.00"), ("月收入1800", MONTH, "1800.00"), ("每个月一千五", MONTH, "1500.00"),
    ("一千八一个月", MONTH, "1800.00"), ("工资2300", MONTH, "2300.00"), ("平均每月1500元", MONTH, "1500.00"),
    ("一年两万", MONTH, ASK), ("年收入3万", MONTH, ASK), ("每年24000", MONTH, ASK), ("2万/年", MONTH, ASK),
    ("一年两万", YEAR, "20000.00"), ("全年2400", YEAR, "2400.00"), ("每年1200元", YEAR, "1200.00"),
    ("每月1000", YEAR, ASK), ("一个月500", YEAR, ASK), ("每月800", {}, ASK), ("一年8000", {}, ASK),
    # approximate: stored after a confirmation
    ("约1200", {}, Confirm("1200.00")), ("大约一千二", {}, Confirm("1200.00")), ("1200左右", {}, Confirm("1200.00")),
    ("一千多", {}, Confirm("1000.00")), ("差不多1200", {}, Confirm("1200.00")), ("大概两千", {}, Confirm("2000.00")),
    ("两千左右吧", {}, Confirm("2000.00")), ("3000上下", {}, Confirm("3000.00")), ("将近一万", {}, Confirm("10000.00")),
    ("一千出头", {}, Confirm("1000.00")), ("每月大概1500", MONTH, Confirm("1500.00")),
    ("大概每个月两千四左右", MONTH, Confirm("2400.00")), ("1200多块", {}, Confirm("1200.00")),
    # zero where zero is allowed, refused where it is not
    ("没收入", MONTH, "0.00"), ("零", {}, "0.00"), ("0", {}, "0.00"), ("0元", {}, "0.00"), ("没有收入", MONTH, "0.00"),
    ("无收入", {}, "0.00"), ("暂无", {}, "0.00"), ("有没有", {}, ASK), ("是没有", {}, ASK), ("没有", NO_ZERO, ASK), ("无", NO_ZERO, ASK), ("0", NO_ZERO, ASK),
    # ranges and two numbers: never half-read
    ("1000-1500", {}, ASK), ("1000到1500", {}, ASK), ("1000~1500", {}, ASK), ("一千到一千五", {}, ASK),
    ("两三千", {}, ASK), ("1000 1500", {}, ASK), ("1200，1500", {}, ASK), ("1000或1500", {}, ASK),
    ("五六百", {}, ASK), ("1000至2000元", {}, ASK),
    # nonsense, negatives, absurd
    ("-1200", {}, ASK), ("负一千", {}, ASK), ("不知道", {}, ASK), ("很多", {}, ASK), ("几千", {}, ASK),
    ("一千二三", {}, ASK), ("1万2.5", {}, ASK), ("3千25", {}, ASK), ("1200.555", {}, ASK), ("千", {}, ASK),
    ("万", {}, ASK), ("abc", {}, ASK), ("1,20", {}, ASK), ("9" * 20, {}, ASK), ("一千二百万万", {}, ASK),
    ("150000", {}, Confirm("150000.00")), ("十五万", {}, Confirm("150000.00")),
]

COUNTS: list[tuple[str, dict[str, Any], Any]] = [
    ("3", {}, 3), ("3个", {}, 3), ("三口人", {}, 3), ("3口", {}, 3), ("3口人", {}, 3), ("三", {}, 3), ("两", {}, 2),
    ("两个", {}, 2), ("两口", {}, 2), ("一家三口", {}, 3), ("一共4人", {}, 4), ("共5口人", {}, 5), ("四个人", {}, 4),
    ("家里有5口人", {}, 5), ("十二", {}, 12), ("十", {}, 10), ("五口", {}, 5), ("6人", {}, 6), ("２", {}, 2),
    ("4。", {}, 4), ("一个", {}, 1), ("1位", {}, 1), ("没有", {}, 0), ("无", {}, 0), ("0", {}, 0), ("零", {}, 0),
    ("没有", {"min": 1}, ASK), ("0", {"min": 1}, ASK), ("无", {"min": 1}, ASK), ("大概3个", {}, Confirm(3)),
    ("3个左右", {}, Confirm(3)), ("三四个", {}, ASK), ("3-4", {}, ASK), ("3到4人", {}, ASK), ("3 4", {}, ASK),
    ("两三口", {}, ASK), ("几个", {}, ASK), ("-2", {}, ASK), ("3.5", {}, ASK), ("三十一", {}, ASK), ("很多人", {}, ASK),
    ("一百", {}, ASK), ("有没有", {}, ASK), ("1个大人2个小孩", {}, ASK),
]

MONTHS: list[tuple[str, dict[str, Any], Any]] = [
    ("6", {}, 6), ("6个月", {}, 6), ("六个月", {}, 6), ("半年", {}, 6), ("一年半", {}, 18), ("两年", {}, 24),
    ("1年", {}, 12), ("一年", {}, 12), ("2年半", {}, 30), ("1年3个月", {}, 15), ("一年零三个月", {}, 15),
    ("一年3个月", {}, 15), ("三年", {}, 36), ("十二个月", {}, 12), ("八个月", {}, 8), ("8个月了", {}, 8),
    ("连续8个月", {}, 8), ("已经半年了", {}, 6), ("36个月", {}, 36), ("十个月", {}, 10), ("两个月", {}, 2),
    ("一年多", {}, Confirm(12)), ("三个多月", {}, Confirm(3)), ("大概半年", {}, Confirm(6)),
    ("十来个月", {}, Confirm(10)), ("1.5年", {}, 18), ("有8个月了", {}, 8), ("三年多", {}, Confirm(36)),
    ("0.3年", {}, ASK), ("三个半月", {}, ASK), ("半个月", {}, ASK), ("三四个月", {}, ASK),
    ("6-8个月", {}, ASK), ("好几个月", {}, ASK), ("很久", {}, ASK), ("五十一年", {}, ASK), ("-3", {}, ASK),
    ("没有", {}, 0), ("0", {}, 0),
]


def _check(result: Valid | Invalid, expected: Any) -> None:
    if expected == ASK:
        assert isinstance(result, Invalid), f"stored {result}"
        assert "例如" in result.message
        return
    assert isinstance(result, Valid), f"asked again: {result}"
    if isinstance(expected, Confirm):
        assert result.confirm, f"stored without confirmation: {result}"
        assert result.value == expected.value
    else:
        assert result.value == expected
        assert result.confirm is None or "比较大" in result.confirm


@pytest.mark.parametrize(("typed", "options", "expected"), MONEY)
def test_money_as_people_type_it(typed: str, options: dict[str, Any], expected: Any) -> None:
    _check(parse_money(typed, **options), expected)


@pytest.mark.parametrize(("typed", "options", "expected"), COUNTS)
def test_counts_as_people_type_them(typed: str, options: dict[str, Any], expected: Any) -> None:
    low = options.get("min", 0)
    _check(parse_count(typed, min_value=low), expected)


@pytest.mark.parametrize(("typed", "options", "expected"), MONTHS)
def test_months_as_people_type_them(typed: str, options: dict[str, Any], expected: Any) -> None:
    _check(parse_months(typed), expected)


def test_interpreted_answers_say_what_was_recorded() -> None:
    assert parse_money("一千二").note == "已记录为 1,200.00 元"  # type: ignore[union-attr]
    assert parse_money("没有").note == "已记录为 0.00 元"  # type: ignore[union-attr]
    assert parse_money("1.2万").note == "已记录为 12,000.00 元"  # type: ignore[union-attr]
    assert parse_months("一年半").note == "已记录为 18 个月"  # type: ignore[union-attr]
    assert parse_count("三口人").note == "已记录为 3"  # type: ignore[union-attr]
    # typed literally: nothing to echo
    assert parse_money("1200").note is None  # type: ignore[union-attr]
    assert parse_money("1200元").note is None  # type: ignore[union-attr]
    assert parse_count("3人").note is None  # type: ignore[union-attr]


def test_approximate_confirmation_shows_the_number() -> None:
    result = parse_money("大约一千二")
    assert isinstance(result, Valid) and result.confirm and "1,200.00 元" in result.confirm


def test_large_approximate_amount_asks_once_for_both() -> None:
    result = parse_money("大概十五万")
    assert isinstance(result, Valid) and result.confirm
    assert "150,000.00 元" in result.confirm and "比较大" in result.confirm


def test_yearly_amount_at_a_monthly_question_says_what_to_type() -> None:
    result = parse_money("一年两万", period="month")
    assert isinstance(result, Invalid) and "每月" in result.message and "12" in result.message


def test_range_refusal_gives_an_example() -> None:
    result = parse_money("1000-1500")
    assert isinstance(result, Invalid) and "范围" in result.message and "例如" in result.message


def test_reader_is_exact_decimal() -> None:
    assert read_number("1.234567万") is not None and str(read_number("1.234567万")) == "12345.670000"
    assert read_number("三四") is None  # a spoken range, not 34


def test_validators_names_still_work() -> None:
    assert reexported_parse_money is parse_money


def test_every_refusal_text_gives_an_example() -> None:
    texts = {key: text for key, text in ANSWER_TEXTS.items() if key.startswith(("v.money.", "v.count.", "v.months."))}
    assert len(texts) >= 10  # the number readers' texts are found where they now live
    for key, text in texts.items():
        if not any(word in key for word in ("approx", "note")):
            assert "例如" in text, key


TYPED = st.one_of(
    st.text(max_size=80),
    st.text(alphabet="0123456789.,，-~到至或 年月个口人块元万千百十零一二两三四五六七八九半多约左右没有无¥kw",
            max_size=30),
    st.from_regex(r"[0-9]{1,60}(\.[0-9]{0,60})?[千万]?[0-9]?", fullmatch=True),
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(text=TYPED, period=st.sampled_from([None, "month", "year"]))
def test_no_input_raises(text: str, period: str | None) -> None:
    for result in (parse_money(text, period=period), parse_count(text), parse_months(text)):
        assert isinstance(result, (Valid, Invalid))
        if isinstance(result, Invalid):
            assert "例如" in result.message
