"""Parse what a person types into a normalised answer, or say what is wrong with an example.

Every parser is total: any ``str`` gives ``Valid`` or ``Invalid``, never an exception.
Which parser reads which question type is the table in ``flows.field_types`` (with ``validate``). Numbers use ``Decimal``; no float anywhere.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Mapping, Sequence
from decimal import Decimal

from flows import lexicon
from flows.answers import Invalid, Result, Valid, clean_text, clip, compact, empty, normalize
from flows.catalog import t
from flows.choices import parse_choice, parse_multi_choice
from flows.dates import MonthOnly, parse_date
from flows.numbers import parse_count, parse_money, parse_months, parse_number
from flows.idcard import IdProblem, id_check_digit, read_id_number

__all__ = [
    "ETHNICITIES", "EXAMPLE_BANK_CARD", "EXAMPLE_ID_NUMBER", "EXAMPLE_PHONE",
    "Invalid", "MonthOnly", "Result", "Valid", "id_check_digit", "normalize", "parse_bank_card", "parse_choice",
    "parse_count", "parse_date", "parse_ethnicity", "parse_id_number", "parse_money",
    "parse_months", "parse_multi_choice", "parse_number", "parse_phone", "parse_postcode", "parse_text",
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
               example: str | None = None) -> Result:
    """Free text: stripped, control characters removed, length checked."""
    example = t("ex.text") if example is None else example
    value = clean_text(text, multiline)
    if not value:
        return empty(t("ans.what.content"), example)
    if len(value) < min_len:
        return Invalid(t("v.text.too_short", min=min_len, example=example))
    if len(value) > max_len:
        return Invalid(t("v.text.too_long", n=len(value), max=max_len))
    return Valid(value, value)


def parse_id_number(text: str, *, today: date) -> Result:
    """18-character citizen ID number; derives birth date, sex and region code."""
    typed = compact(text).replace("-", "")  # 420802-19750314-1232, as some people group it
    if not typed:
        return empty(t("ans.what.id_number"), EXAMPLE_ID_NUMBER)
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
        return empty(t("ans.what.phone"), EXAMPLE_PHONE)
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
        return empty(t("ans.what.postcode"), _EXAMPLES["postcode"])
    if not re.fullmatch(r"[0-9]{6}", code):
        return Invalid(t("v.postcode", text=clip(text), example=_EXAMPLES["postcode"]))
    return Valid(code, code)


def parse_ethnicity(text: str) -> Result:
    """One of the 56 民族, with or without 族 ("汉" → "汉族"; also "维族", "蒙族")."""
    s = compact(text).removesuffix("的")
    if not s:
        return empty(t("ans.what.ethnicity"), t("ex.ethnicity"))
    for candidate in (s, s.removesuffix("人")):
        candidate = _ETHNICITY_ALIASES.get(candidate, candidate)
        for name in (candidate, candidate + "族"):
            if name in ETHNICITIES:  # say what was stored when it is not what was typed ("汉" → 汉族)
                return Valid(name, name, note=None if name == s else t("echo.choice_recorded", value=name))
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
        return empty(t("ans.what.bank_card"), EXAMPLE_BANK_CARD)
    bad = next((ch for ch in digits if ch not in "0123456789"), None)
    if bad is not None:
        return Invalid(t("v.bank.non_digit", char=bad, example=EXAMPLE_BANK_CARD))
    if not 12 <= len(digits) <= 19:
        return Invalid(t("v.bank.length", n=len(digits), example=EXAMPLE_BANK_CARD))
    warning = None if _luhn_ok(digits) else t("v.bank.warn_luhn")
    return Valid(digits, " ".join(digits[i:i + 4] for i in range(0, len(digits), 4)), warning=warning)


def parse_yes_no(text: str, *, aliases: Mapping[str, Sequence[str]] | None = None) -> Result:
    """是/否 in its everyday forms (the words of ``flows.lexicon``, and the field's aliases); value bool."""
    found = lexicon.yes_no_answer(text)
    if found is None and aliases:
        typed = compact(text).lower()
        keys = {typed, typed.rstrip("的了啊呀。.!！")}
        for option, words in aliases.items():
            if any(compact(w).lower() in keys for w in words) and option in (lexicon.YES_TEXT, lexicon.NO_TEXT):
                found = option == lexicon.YES_TEXT
    if found is None:
        return Invalid(t("v.yes_no"))
    return Valid(found, t("v.yes_no.display_yes" if found else "v.yes_no.display_no"))
