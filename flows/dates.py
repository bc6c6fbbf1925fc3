"""Read dates the way people type them: 1975-05-12, 75年5月12日, 一九七五年五月十二日, 95年7月, 今天.

Total: any ``str`` gives ``Valid`` or ``Invalid`` (``MonthOnly`` is an ``Invalid``), never an exception.

Field options (keyword arguments of ``parse_date``):
- ``not_future`` (default True): a date after today is refused; a two-digit year never reads as one.
- ``min_year`` (default 1900): earlier dates are refused.
- ``allow_month``: "1998-07" / "98年7月" are answers ("YYYY-MM"); without it a month alone gives ``MonthOnly``.
- ``recent`` (new, default False): the date is typically days or months ago (a visit, a decision, a
  payment). Enables 今天 / 昨天 / 前天 (and 本月 / 上个月 with allow_month, 5月12日 without a year), and a
  two-digit year takes the latest reading that is not in the future without asking. Without it
  (birth dates, the start of work) a two-digit year that fits two centuries within 120 years is
  confirmed ("10年" → 2010 or 1910?), because a wrong century is a wrong person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from flows.answers import Invalid, Result, Valid, clip, empty, normalize
from flows.catalog import t
from flows.numbers import read_number

__all__ = ["MonthOnly", "parse_date"]

_EXAMPLE = "1980-05-03"
_WINDOW_YEARS = 120  # nobody abbreviates a year further back than a lifetime


@dataclass(frozen=True)
class MonthOnly(Invalid):
    """A month ("1948-02") typed where a full date is needed: asked again, but the engine may offer a day.

    The engine can compare ``month`` with the ID number's birth date and, when they agree, offer that
    date for one-tap confirmation; without such wiring it is an ordinary refusal.
    """

    month: str = ""


_DAY_PATTERNS = (
    r"([0-9]{4}|[0-9]{2})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})[日号]?",
    r"([0-9]{4}|[0-9]{2})年([0-9]{1,2})月([0-9]{1,2})[日号]?",
    r"([0-9]{4})([0-9]{2})([0-9]{2})",
)
_MONTH_PATTERNS = (r"([0-9]{4})[-/.]([0-9]{1,2})月?", r"([0-9]{4}|[0-9]{2})年([0-9]{1,2})月?", r"([0-9]{4})([0-9]{2})")
_RELATIVE_DAYS = {"今天": 0, "今日": 0, "当天": 0, "昨天": 1, "昨日": 1, "前天": 2}
_CN_YEAR_DIGITS = str.maketrans("〇零○Ｏ一二三四五六七八九", "0000123456789")
# A Chinese-numeral part before its marker: 一九七五年, 七五年, 十二月, 三十一日.
_CN_PART = re.compile(r"([〇零○一二两三四五六七八九十]+)([年月日号])")


def _arabic(m: re.Match[str]) -> str:
    """"一九七五年" → "1975年" (digit by digit), "十二月" → "12月" (as a number)."""
    part, marker = m.group(1), m.group(2)
    if marker == "年" and "十" not in part:
        return part.translate(_CN_YEAR_DIGITS) + marker
    number = read_number(part)
    return (str(int(number)) if number is not None and number == number.to_integral() else part) + marker


def _clean(text: str) -> str:
    s = re.sub(r"\s*([-/.年月日号])\s*", r"\1", normalize(text).rstrip("。.!！"))
    s = re.sub(r"\s+", "-", s)
    s = re.sub(r"(出生|生日?|参加工作|开始工作|入职)$", "", s)
    return _CN_PART.sub(_arabic, s)


def _relative(s: str, today: date, allow_month: bool) -> tuple[date, bool] | None:
    """今天/昨天/前天 (and 本月/上个月 when months are answers): (date, is a month)."""
    if s in _RELATIVE_DAYS:
        return today - timedelta(days=_RELATIVE_DAYS[s]), False
    if allow_month and s in ("本月", "这个月", "这月"):
        return today.replace(day=1), True
    if allow_month and s in ("上个月", "上月"):
        return (today.replace(day=1) - timedelta(days=1)).replace(day=1), True
    return None


def parse_date(text: str, *, today: date, not_future: bool = True, min_year: int = 1900,
               allow_month: bool = False, recent: bool = False) -> Result:
    """A calendar date ("YYYY-MM-DD"), or with allow_month also a month ("YYYY-MM"); see the module doc."""
    s = _clean(text)
    if not s:
        return empty("日期", _EXAMPLE)
    rel = _relative(s, today, allow_month) if recent else None
    if rel is not None:
        shown = rel[0].isoformat()[:7] if rel[1] else rel[0].isoformat()
        return Valid(shown, shown, note=t("v.date.note", date=shown))
    if recent and (m := re.fullmatch(r"([0-9]{1,2})月([0-9]{1,2})[日号]?", s)):
        # No year at a recent date: this year, or last year when that would be in the future.
        year = today.year if (int(m.group(1)), int(m.group(2))) <= (today.month, today.day) else today.year - 1
        s = f"{year}年{s}"
    if re.fullmatch(r"[0-9]{6}", s) and not (min_year <= int(s[:4]) <= today.year + 100):
        return Invalid(t("v.date.ambiguous_digits", text=clip(text), example=_EXAMPLE))  # 750512
    if re.fullmatch(r"[0-9]{2}[-/.][0-9]{1,2}", s):
        return Invalid(t("v.date.two_digit_month", text=clip(text)))  # 95.7: a decimal, or 5 December?
    day_match = next((m for p in _DAY_PATTERNS if (m := re.fullmatch(p, s))), None)
    month_match = next((m for p in _MONTH_PATTERNS if (m := re.fullmatch(p, s))), None)
    match = day_match or month_match
    if match is None:
        return Invalid(t("v.date.format_month" if allow_month else "v.date.format", text=clip(text),
                            example=_EXAMPLE))
    typed_year, month = match.group(1), int(match.group(2))
    day = int(match.group(3)) if day_match else 1
    if not 1 <= month <= 12:
        return Invalid(t("v.date.bad_month", month=month, example=_EXAMPLE))
    if len(typed_year) == 2:
        return _two_digit_year(text, int(typed_year), month, day, day_match is not None, today=today,
                               not_future=not_future, min_year=min_year, allow_month=allow_month, recent=recent)
    return _checked(int(typed_year), month, day, day_match is not None, today=today, not_future=not_future,
                    min_year=min_year, allow_month=allow_month, interpreted=_interpreted(text))


def _interpreted(text: str) -> bool:
    """A Chinese numeral or a trailing word was read: echo what was recorded."""
    return bool(re.search(r"[〇零○一二两三四五六七八九十]|出生|生|工作|入职", normalize(text)))


def _checked(year: int, month: int, day: int, has_day: bool, *, today: date, not_future: bool, min_year: int,
             allow_month: bool, interpreted: bool) -> Result:
    try:
        first = date(year, month, day)
    except ValueError:
        if year == 0:
            return Invalid(t("v.date.too_early", date=f"{year:04d}-{month:02d}", min_year=min_year,
                                example=_EXAMPLE))
        return Invalid(t("v.date.bad_day", year=year, month=month, day=day, example=_EXAMPLE))
    shown = first.isoformat() if has_day else first.isoformat()[:7]
    if year < min_year:
        return Invalid(t("v.date.too_early", date=shown, min_year=min_year, example=_EXAMPLE))
    if not_future and first > today:
        return Invalid(t("v.date.future", date=shown, today=today.isoformat(), example=_EXAMPLE))
    if not has_day and not allow_month:
        return MonthOnly(t("v.date.need_day", example=f"{shown}-15"), month=shown)
    return Valid(shown, shown, note=t("v.date.note", date=shown) if interpreted else None)


def _two_digit_year(text: str, yy: int, month: int, day: int, has_day: bool, *, today: date, not_future: bool,
                    min_year: int, allow_month: bool, recent: bool) -> Result:
    """Choose the century: only readings the field admits, within a lifetime; ask when two remain."""
    readings: list[tuple[int, Result]] = []
    for year in (1900 + yy, 2000 + yy):
        result = _checked(year, month, day, has_day, today=today, not_future=not_future, min_year=min_year,
                          allow_month=allow_month, interpreted=True)
        if year >= today.year - _WINDOW_YEARS and (isinstance(result, Valid) or type(result) is MonthOnly):
            readings.append((year, result))
    if not readings:
        bad = _checked(1900 + yy, month, day, has_day, today=today, not_future=False, min_year=0,
                       allow_month=True, interpreted=True)
        if isinstance(bad, Invalid):  # the day itself is wrong (2月30日): say that, not the century
            return bad
        return Invalid(t("v.date.no_century", text=clip(text), a=1900 + yy, b=2000 + yy, min_year=min_year,
                            example=_EXAMPLE))
    year, chosen = readings[-1]  # the later reading: the earlier one is a century further back
    if len(readings) == 1 or recent or not isinstance(chosen, Valid):
        return chosen
    other_year = readings[0][0]
    other = f"{other_year}{chosen.value[4:]}"
    return Valid(chosen.value, chosen.display, note=chosen.note,
                 confirm=t("v.date.century", text=clip(text), date=chosen.value, other=other_year,
                              other_date=other))
