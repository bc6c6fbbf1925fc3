"""Parse what a person types into a normalised answer, or say what is wrong with an example.

Every parser is total: any ``str`` gives ``Valid`` or ``Invalid``, never an exception.
Which parser reads which question type is the table in ``flows.field_types`` (with ``validate``). Numbers use ``Decimal``; no float anywhere.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Sequence

from flows import lexicon
from flows.answers import Invalid, Result, Valid, clean_text, clip, compact, empty, normalize
from flows.catalog import t
from flows.choices import parse_choice, parse_multi_choice
from flows.idcard import IdProblem, id_check_digit, read_id_number

__all__ = [
    "ETHNICITIES", "EXAMPLE_BANK_CARD", "EXAMPLE_ID_NUMBER", "EXAMPLE_PHONE",
    "Invalid", "Result", "Valid", "id_check_digit", "normalize", "parse_bank_card", "parse_choice",
    "parse_count", "parse_date", "parse_ethnicity", "parse_id_number", "parse_money",
    "parse_multi_choice", "parse_number", "parse_phone", "parse_postcode", "parse_text",
    "parse_yes_no",
]

ETHNICITIES: tuple[str, ...] = tuple(
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 "
    "哈尼族 哈萨克族 傣族 黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 "
    "柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 仡佬族 锡伯族 阿昌族 普米族 "
    "塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 独龙族 "
    "鄂伦春族 赫哲族 门巴族 珞巴族 基诺族".split()
)
_ETHNICITY_ALIASES = {"维族": "维吾尔族", "蒙族": "蒙古族"}

EXAMPLE_ID_NUMBER = "420802197503141232"  # 东宝区, born 1975-03-14, male; check digit computed
EXAMPLE_PHONE = "13912345678"
EXAMPLE_BANK_CARD = "6222 0212 3456 7890 128"  # passes Luhn
_EXAMPLES = {"date": "1980-05-03", "postcode": "448000"}  # the other types' examples: flows.field_types
_MONEY_CENT = Decimal("0.01")
_MAX_INT_DIGITS = 12  # beyond this an amount or area is a typo; also keeps Decimal arithmetic exact


def parse_text(text: str, *, max_len: int = 100, min_len: int = 1, multiline: bool = False,
               example: str = "张三") -> Result:
    """Free text: stripped, control characters removed, length checked."""
    value = clean_text(text, multiline)
    if not value:
        return empty("内容", example)
    if len(value) < min_len:
        return Invalid(t("v.text.too_short", min=min_len, example=example))
    if len(value) > max_len:
        return Invalid(t("v.text.too_long", n=len(value), max=max_len))
    return Valid(value, value)


def parse_id_number(text: str, *, today: date) -> Result:
    """18-character citizen ID number; derives birth date, sex and region code."""
    typed = compact(text)
    if not typed:
        return empty("18位身份证号", EXAMPLE_ID_NUMBER)
    found = read_id_number(typed, today)
    if isinstance(found, IdProblem):
        params = {"n": found.length, "pos": found.position, "char": found.char, "raw": found.birth,
                  "date": found.birth}
        return Invalid(t(f"v.id.{found.code}", example=EXAMPLE_ID_NUMBER, **params))
    warning = None if found.known_province else t("v.id.warn_province", code=found.number[:2])
    derived = {"birth_date": found.birth_date.isoformat(), "sex": found.sex, "region_code": found.region_code}
    return Valid(found.number, found.number, warning=warning, derived=derived)


def parse_phone(text: str) -> Result:
    """Mainland mobile number; spaces, hyphens, brackets and +86/0086/86 are dropped."""
    digits = re.sub(r"[\s\-()]", "", normalize(text))
    if not digits:
        return empty("11位手机号", EXAMPLE_PHONE)
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and (prefix != "86" or len(digits) == 13):
            digits = digits[len(prefix):]
            break
    bad = next((ch for ch in digits if ch not in "0123456789"), None)
    if bad is not None:
        return Invalid(t("v.phone.non_digit", char=bad, example=EXAMPLE_PHONE))
    if digits.startswith("0") and 10 <= len(digits) <= 12:
        return Invalid(t("v.phone.landline", example=EXAMPLE_PHONE))
    if len(digits) != 11:
        return Invalid(t("v.phone.length", n=len(digits), example=EXAMPLE_PHONE))
    if not re.fullmatch(r"1[3-9][0-9]{9}", digits):
        return Invalid(t("v.phone.prefix", value=digits, example=EXAMPLE_PHONE))
    return Valid(digits, f"{digits[:3]} {digits[3:7]} {digits[7:]}")


def parse_postcode(text: str) -> Result:
    """Six-digit postal code."""
    code = compact(text)
    if not code:
        return empty("6位邮政编码", _EXAMPLES["postcode"])
    if not re.fullmatch(r"[0-9]{6}", code):
        return Invalid(t("v.postcode", text=clip(text), example=_EXAMPLES["postcode"]))
    return Valid(code, code)


_DAY_PATTERNS = (
    r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})",
    r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})[日号]?",
    r"([0-9]{4})([0-9]{2})([0-9]{2})",
)
_MONTH_PATTERNS = (r"([0-9]{4})[-/.]([0-9]{1,2})", r"([0-9]{4})年([0-9]{1,2})月?", r"([0-9]{4})([0-9]{2})")


def parse_date(text: str, *, today: date, not_future: bool = True, min_year: int = 1900,
               allow_month: bool = False) -> Result:
    """A calendar date ("YYYY-MM-DD"), or with allow_month also a month ("YYYY-MM")."""
    example = _EXAMPLES["date"]
    s = re.sub(r"\s*([-/.年月日号])\s*", r"\1", normalize(text).rstrip("。."))
    s = re.sub(r"\s+", "-", s)
    if not s:
        return empty("日期", example)
    day_match = next((m for p in _DAY_PATTERNS if (m := re.fullmatch(p, s))), None)
    month_match = next((m for p in _MONTH_PATTERNS if (m := re.fullmatch(p, s))), None)
    if day_match is None and month_match is None:
        return Invalid(t("v.date.format_month" if allow_month else "v.date.format", text=clip(text),
                         example=example))
    if day_match is None and not allow_month:
        return Invalid(t("v.date.need_day", example=example))
    parts = [int(g) for g in (day_match or month_match).groups()]  # type: ignore[union-attr]
    year, month = parts[0], parts[1]
    if not 1 <= month <= 12:
        return Invalid(t("v.date.bad_month", month=month, example=example))
    try:
        first = date(year, month, parts[2] if day_match else 1)
    except ValueError:
        if year == 0:
            return Invalid(t("v.date.too_early", date=s, min_year=min_year, example=example))
        return Invalid(t("v.date.bad_day", year=year, month=month, day=parts[2], example=example))
    shown = first.isoformat() if day_match else first.isoformat()[:7]
    if year < min_year:
        return Invalid(t("v.date.too_early", date=shown, min_year=min_year, example=example))
    if not_future and first > today:
        return Invalid(t("v.date.future", date=shown, today=today.isoformat(), example=example))
    return Valid(shown, shown)


_AMOUNT = re.compile(r"((?:[0-9]{1,3}(?:,[0-9]{3})+)|[0-9]+)(?:\.([0-9]*))?")


def _read_decimal(s: str, max_decimals: int) -> Decimal | str:
    """Exact Decimal from "1,234.5"; otherwise the name of the problem (format/too_large/decimals)."""
    m = _AMOUNT.fullmatch(s)
    if m is None:
        return "format"
    whole, frac = m.group(1).replace(",", "").lstrip("0"), (m.group(2) or "").rstrip("0")
    if len(whole) > _MAX_INT_DIGITS:
        return "too_large"
    if len(frac) > max_decimals:
        return "decimals"
    return Decimal(f"{whole or '0'}.{frac or '0'}")


def _strip_affixes(s: str, prefixes: Sequence[str], suffixes: Sequence[str]) -> str:
    for prefix in prefixes:
        s = s.removeprefix(prefix)
    for suffix in suffixes:
        if s.endswith(suffix) and len(s) > len(suffix):
            return s[: -len(suffix)]
    return s


def parse_money(text: str, *, max_plausible: Decimal | int | str = 100000, allow_zero: bool = True) -> Result:
    """Amount in yuan: "1200", "1,200元", "￥1200.5", "1.2万", "1200块"; value "1200.00"."""
    s = compact(text).lower()
    if not s:
        return empty("金额（元）", "1200")
    if s[0] in "-负" and re.search(r"[0-9]", s):
        return Invalid(t("v.money.negative"))
    s = _strip_affixes(s, ("人民币", "rmb", "¥"), ("块钱", "元整", "元", "块", "圆", "rmb"))
    wan = s.endswith("万") and len(s) > 1
    amount = _read_decimal(s[:-1] if wan else s, 6 if wan else 2)
    if isinstance(amount, str):
        return Invalid(t(f"v.money.{amount}", text=clip(text)))
    if wan:
        amount = amount.scaleb(4)
        if amount != amount.quantize(_MONEY_CENT):
            return Invalid(t("v.money.decimals"))
    amount = amount.quantize(_MONEY_CENT)
    if amount == 0 and not allow_zero:
        return Invalid(t("v.money.zero"))
    shown = f"{amount:,.2f}"
    confirm = t("v.money.confirm", amount=shown) if amount > Decimal(str(max_plausible)) else None
    return Valid(str(amount), t("v.money.display", amount=shown), confirm=confirm)


_CN_DIGITS = "零一二三四五六七八九"


def _chinese_spellings(n: int) -> list[str]:
    """Accepted Chinese spellings of 0 <= n < 1000 ("三", "两", "十二", "一百零五", "两百")."""
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    if n < 10:
        return [_CN_DIGITS[n]] + (["两"] if n == 2 else []) + (["〇"] if n == 0 else [])
    if n < 100:
        head = ["十", "一十"] if tens == 1 else [_CN_DIGITS[tens] + "十"]
        return [h + (_CN_DIGITS[units] if units else "") for h in head]
    heads = [_CN_DIGITS[hundreds] + "百"] + (["两百"] if hundreds == 2 else [])
    if rest == 0:
        tails = [""]
    elif rest < 10:
        tails = ["零" + _CN_DIGITS[rest]]
    else:
        tails = _chinese_spellings(rest) if rest >= 20 else ["一十" + (_CN_DIGITS[units] if units else "")]
    return [h + tail for h in heads for tail in tails]


_CHINESE_NUMBERS: dict[str, int] = {s: n for n in range(1000) for s in _chinese_spellings(n)}
_COUNT_UNITS = ("口人", "个人", "个月", "人", "口", "个", "名", "位", "月", "项", "次")


def parse_count(text: str, *, min_value: int = 0, max_value: int = 30, example: str = "3") -> Result:
    """A whole number: "3", "3人", "3口", "三", "十二"; value int."""
    s = _strip_affixes(compact(text), ("一共", "总共", "共"), _COUNT_UNITS)
    if not s:
        return empty("一个整数", example)
    if re.fullmatch(r"-?[0-9]+", s):
        digits = s.lstrip("-").lstrip("0") or "0"
        if len(digits) > _MAX_INT_DIGITS:
            return Invalid(t("v.count.range", min=min_value, max=max_value, value=clip(s), example=example))
        n = -int(digits) if s.startswith("-") else int(digits)
    elif s in _CHINESE_NUMBERS:
        n = _CHINESE_NUMBERS[s]
    else:
        return Invalid(t("v.count.format", text=clip(text), example=example))
    if not min_value <= n <= max_value:
        return Invalid(t("v.count.range", min=min_value, max=max_value, value=n, example=example))
    return Valid(n, str(n))


_AREA_UNITS = ("平方米", "平米", "平方", "m2", "平")


def parse_number(text: str, *, min_value: Decimal | int | str = 0, max_value: Decimal | int | str = 100000,
                 max_decimals: int = 2, unit: str = "", example: str = "65.5") -> Result:
    """A decimal such as an area ("65.5", "65.5平方米", "65.5㎡"); value is the shortest form ("65.5", "70")."""
    unit_hint = f"（单位：{unit}）" if unit else ""
    s = compact(text).lower()
    if not s:
        return empty("一个数" + unit_hint, example)
    if s[0] in "-负" and re.search(r"[0-9]", s):
        return Invalid(t("v.number.negative", example=example))
    s = _strip_affixes(s, (), tuple(u for u in (compact(unit).lower(),) if u) + _AREA_UNITS)
    amount = _read_decimal(s, max_decimals)
    low, high = Decimal(str(min_value)), Decimal(str(max_value))
    if amount == "decimals":
        return Invalid(t("v.number.decimals", n=max_decimals, example=example))
    if isinstance(amount, str) and amount != "too_large":
        return Invalid(t("v.number.format", text=clip(text), unit=unit_hint, example=example))
    if isinstance(amount, str) or not low <= amount <= high:
        return Invalid(t("v.number.range", min=low, max=high, unit=unit, value=clip(s), example=example))
    value = format(amount.normalize(), "f")
    return Valid(value, t("v.number.display", value=value, unit=unit).strip())


def parse_ethnicity(text: str) -> Result:
    """One of the 56 民族, with or without 族 ("汉" → "汉族"; also "维族", "蒙族")."""
    s = compact(text)
    if not s:
        return empty("民族", "汉族")
    for candidate in (s, s.removesuffix("人")):
        candidate = _ETHNICITY_ALIASES.get(candidate, candidate)
        for name in (candidate, candidate + "族"):
            if name in ETHNICITIES:
                return Valid(name, name)
    return Invalid(t("v.ethnicity", text=clip(text)))


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def parse_bank_card(text: str) -> Result:
    """12–19 digit bank card number; failing Luhn is only a warning."""
    digits = re.sub(r"[\s\-]", "", normalize(text))
    if not digits:
        return empty("银行卡号", EXAMPLE_BANK_CARD)
    bad = next((ch for ch in digits if ch not in "0123456789"), None)
    if bad is not None:
        return Invalid(t("v.bank.non_digit", char=bad, example=EXAMPLE_BANK_CARD))
    if not 12 <= len(digits) <= 19:
        return Invalid(t("v.bank.length", n=len(digits), example=EXAMPLE_BANK_CARD))
    warning = None if _luhn_ok(digits) else t("v.bank.warn_luhn")
    return Valid(digits, " ".join(digits[i:i + 4] for i in range(0, len(digits), 4)), warning=warning)


def parse_yes_no(text: str) -> Result:
    """是/否 in its everyday forms (the words of ``flows.lexicon``); value bool."""
    found = lexicon.yes_no_answer(text)
    if found is None:
        return Invalid(t("v.yes_no"))
    return Valid(found, t("v.yes_no.display_yes" if found else "v.yes_no.display_no"))
