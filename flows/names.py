"""A person's name as typed into the name the record keeps: spaces, the minority-name dot, non-names refused."""

from __future__ import annotations

import re
import unicodedata

from flows.answers import Invalid, Result, Valid, clean_text, clip, normalize
from flows.catalog import t
from flows.non_answers import fold, not_an_answer


# Words for a person rather than their name: typed when the question is "what is his name".
RELATION_WORDS: frozenset[str] = frozenset({
    "本人", "自己", "我", "老婆", "妻子", "媳妇", "爱人", "老公", "丈夫", "配偶", "儿子", "女儿", "孩子", "小孩",
    "爸爸", "爸", "父亲", "妈妈", "妈", "母亲", "岳父", "岳母", "公公", "婆婆", "孙子", "孙女", "哥哥", "姐姐",
    "弟弟", "妹妹",
})
# Lead-ins people put before a name (我叫王建国, 姓名：王建国); stripped when a name follows.
NAME_PREFIXES: tuple[str, ...] = ("姓名", "名字", "我叫", "我是", "他叫", "她叫", "叫做")
# Everything a middle dot of a minority name (阿依古丽·买买提) gets typed as; unified to U+00B7.
NAME_DOTS = "·•‧・･∙⋅·.。‐‑‒–—―-_"
NAME_DOT = "\u00b7"
MAX_NAME_LEN = 30
# Two-character surnames (复姓); anything else is read as a one-character surname (the 公示 masks 欧阳某某).
COMPOUND_SURNAMES = frozenset({
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "司空", "夏侯",
    "轩辕", "令狐", "钟离", "澹台", "独孤", "南宫", "西门", "百里", "呼延", "端木", "申屠", "太史", "公羊", "濮阳",
    "淳于", "单于", "闻人", "万俟", "赫连", "拓跋", "东郭", "仲孙", "司寇", "亓官", "子车", "颛孙", "壤驷", "公良",
    "漆雕", "乐正", "宰父", "谷梁", "左丘", "梁丘", "第五", "羊舌", "微生", "公冶", "太叔", "巫马", "公西", "段干",
    "东门", "鲜于", "闾丘", "南门",
})
EXAMPLE_NAME = t("ex.name")

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f〇"
_HAS_HAN = re.compile(f"[{_HAN}]")
_DOT_CLASS = "[" + re.escape(NAME_DOTS) + "]"
# A dot (or a run of dots and spaces) between two Han parts is the name's middle dot.
_HAN_DOT_HAN = re.compile(f"(?<=[{_HAN}])\\s*{_DOT_CLASS}[\\s{re.escape(NAME_DOTS)}]*(?=[{_HAN}])")
_HAN_SPACE_HAN = re.compile(f"(?<=[{_HAN}{NAME_DOT}])\\s+(?=[{_HAN}{NAME_DOT}])")
_LATIN_PUNCT = "-'."
# Characters that show nothing: Hangul fillers count as letters, format characters (zero-width space,
# joiners, RTL overrides and isolates, BOM) as nothing. A name is read without them.
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _visible(text: str) -> str:
    return "".join(ch for ch in text if ch not in _FILLERS and unicodedata.category(ch) != "Cf")
_TRIM = " \t。.!！,，;；~～\"'“”‘’「」《》【】"


def _strip_prefix(s: str) -> str:
    for prefix in NAME_PREFIXES:
        if s.startswith(prefix):
            rest = s[len(prefix):].lstrip(" :：,，是")
            if len(rest) >= 2:  # 我是 alone, or 叫 + one character, is not a lead-in
                return rest
    return s


def _bad_char(name: str, han: bool) -> str | None:
    allowed = {NAME_DOT, " "} if han else {" ", *_LATIN_PUNCT}
    for ch in name:
        # Combining marks (Tibetan, Uyghur vowel signs) belong to the letters they sit on.
        if ch in allowed or ch.isalpha() or unicodedata.category(ch).startswith("M"):
            continue
        return ch
    return None


def _shape(s: str) -> tuple[str, bool]:
    han = bool(_HAS_HAN.search(s))
    s = " ".join(s.split())
    if han:
        s = _HAN_DOT_HAN.sub(NAME_DOT, s)
        s = _HAN_SPACE_HAN.sub("", s)
        s = s.strip(NAME_DOTS + " ")
    return s, han


def normalize_name(text: str, *, max_len: int = MAX_NAME_LEN, example: str = EXAMPLE_NAME) -> Result:
    """A name as the record keeps it: no spaces inside a Chinese name, one kind of middle dot, non-names refused."""
    text = _visible(text)
    typed = clean_text(text, False).strip(_TRIM)
    s = normalize(text).strip(_TRIM)
    if not s:
        return Invalid(t("name.empty", example=example))
    kind = not_an_answer(s)
    if kind is not None:
        return Invalid(t(f"name.{kind}", text=clip(text), example=example))
    if fold(s) in RELATION_WORDS:
        return Invalid(t("name.relation", text=clip(text), example=example))
    s = _strip_prefix(s).strip(_TRIM)
    compact_s = "".join(s.split())
    if compact_s.isdigit():
        return Invalid(t("name.digits", text=clip(text), example=example))
    if any(ch.isdigit() for ch in compact_s):
        return Invalid(t("name.has_digit", text=clip(text), example=example))
    name, han = _shape(s)
    if not name:
        return Invalid(t("name.empty", example=example))
    bad = _bad_char(name, han)
    if bad is not None:
        return Invalid(t("name.bad_char", char=bad, example=example))
    if len(name) > max_len:
        return Invalid(t("name.too_long", n=len(name), max=max_len, example=example))
    warning = None
    if han and len(name) == 1:
        warning = t("name.one_char", name=name)
    elif name != typed:
        warning = t("name.recorded", name=name)
    return Valid(name, name, warning=warning)
