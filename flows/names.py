"""A person's name as typed into the name the record keeps: spaces, the minority-name dot, non-names refused."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flows.answers import Invalid, Result, Valid, clean_text, clip, normalize
from flows.non_answers import fold, not_an_answer

TEXTS: dict[str, str] = {
    "name.empty": "没有收到姓名。请输入身份证上的姓名，例如：{example}",
    "name.yes": "“{text}”不是姓名。请输入身份证上的姓名，例如：{example}",
    "name.no": "“{text}”不是姓名。姓名必须填写，请输入身份证上的姓名，例如：{example}；不登记这位成员可输入“返回”。",
    "name.skip": "姓名必须填写，不能跳过。请输入身份证上的姓名，例如：{example}",
    "name.command": "“{text}”是操作词，不是姓名。请输入身份证上的姓名，例如：{example}",
    "name.button": "“{text}”是按钮上的文字，不是姓名。请输入身份证上的姓名，例如：{example}",
    "name.relation": "“{text}”是称呼，不是姓名。请输入他/她身份证上的姓名，例如：{example}",
    "name.digits": "姓名不能是数字（收到“{text}”）。请输入身份证上的姓名，例如：{example}",
    "name.has_digit": "姓名里不应有数字（收到“{text}”）。请输入身份证上的姓名，例如：{example}",
    "name.bad_char": "姓名里不应有“{char}”。请只写姓名本身，例如：{example}",
    "name.too_long": "姓名太长：{n} 个字，最多 {max} 个字。请只写身份证上的姓名，例如：{example}",
    "name.recorded": "姓名已记录为：{name}",
    "name.one_char": "姓名只有一个字“{name}”，请确认是全名；不对请输入“返回”修改。",
}

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
EXAMPLE_NAME = "王建国"

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


def _t(key: str, **kwargs: Any) -> str:
    return TEXTS[key].format(**kwargs)


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
        return Invalid(_t("name.empty", example=example))
    kind = not_an_answer(s)
    if kind is not None:
        return Invalid(_t(f"name.{kind}", text=clip(text), example=example))
    if fold(s) in RELATION_WORDS:
        return Invalid(_t("name.relation", text=clip(text), example=example))
    s = _strip_prefix(s).strip(_TRIM)
    compact_s = "".join(s.split())
    if compact_s.isdigit():
        return Invalid(_t("name.digits", text=clip(text), example=example))
    if any(ch.isdigit() for ch in compact_s):
        return Invalid(_t("name.has_digit", text=clip(text), example=example))
    name, han = _shape(s)
    if not name:
        return Invalid(_t("name.empty", example=example))
    bad = _bad_char(name, han)
    if bad is not None:
        return Invalid(_t("name.bad_char", char=bad, example=example))
    if len(name) > max_len:
        return Invalid(_t("name.too_long", n=len(name), max=max_len, example=example))
    warning = None
    if han and len(name) == 1:
        warning = _t("name.one_char", name=name)
    elif name != typed:
        warning = _t("name.recorded", name=name)
    return Valid(name, name, warning=warning)
