"""健康状况 as the 填表说明 means it: 良好, or the name of the main illness (or disability), never a stray word.

Eligibility reads any value other than 良好 as 患病 and a value containing 残疾 as
残疾 (spec §3, 附件2 rows 7), so a healthy answer must become exactly 良好 and
nothing that names no illness may be stored as one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flows.answers import Invalid, Result, Valid, clean_text, clip
from flows.catalog import t
from flows.non_answers import fold, not_an_answer

HEALTH_GOOD = "良好"
DISABILITY_WORD = "残疾"
MAX_HEALTH_LEN = 50
EXAMPLE_ILLNESS = t("ex.illness")


# --- the word lists (data) --------------------------------------------------------------------
# Matched after fold() and after dropping the lead-ins and intensifiers below.
HEALTHY_WORDS: frozenset[str] = frozenset({
    "良好", "健康", "好", "很好", "正常", "不错", "还行", "挺好", "健健康康", "一切正常", "一切都好", "一切良好",
    "都好", "硬朗", "结实", "棒", "没事", "无恙", "安康", "健康良好", "良好健康", "健康正常", "正常健康",
    "ok", "good", "fine", "healthy", "✔良好", "康复", "已康复", "痊愈", "已痊愈", "治愈", "已治愈", "病好",
    "病已好", "病好了", "杠杠", "杠杠滴", "倍棒", "倍儿棒", "棒棒",
})
# 可以 / 行 alone are the yes-words of "go on"; only 身体可以 / 还行 / 还可以 say something about health.
WEAK_HEALTHY_WORDS: frozenset[str] = frozenset({"可以", "行", "还可以", "还算可以"})
# "No illness" answers. 没什么大病 is here on purpose: it names no illness, and 患病 (标准第3条)
# needs a named illness a 病历 can prove; storing the phrase would count the household as 患病
# for words that deny it. The echo "已记录为：良好" lets a person with a real illness correct it.
NO_ILLNESS_WORDS: frozenset[str] = frozenset({
    "无", "没有", "没", "没病", "没有病", "无病", "没得病", "没啥病", "没什么病", "没有什么病", "没疾病", "没有疾病",
    "无疾病", "无疾病史", "没毛病", "没有毛病", "没啥毛病", "没什么毛病", "没什么大病", "没有什么大病", "没大病",
    "无大病", "没有大病", "没啥大病", "无重大疾病", "没有重大疾病", "无明显疾病", "无异常", "没有异常", "未见异常",
    "无特殊", "没残疾", "无残疾", "没有残疾", "不残疾", "非残疾", "没病没灾", "无病无灾", "没什么问题", "没问题",
    "没啥问题", "未患病", "没有患病", "无慢性病", "没有慢性病", "无不适", "没有不适", "没什么",
})
# Answers that say "not well" but name no illness: storing them would make 患病 unprovable.
UNWELL_WORDS: frozenset[str] = frozenset({
    "不好", "不太好", "不怎么好", "不是很好", "不大好", "不咋好", "不行", "不太行", "差", "很差", "较差", "比较差",
    "一般", "一般般", "不健康", "不太健康", "不是很健康", "不正常", "有病", "有点病", "有些病", "病", "生病", "病了",
    "生病了", "有", "有的", "有毛病", "有点毛病", "欠佳", "不佳", "凑合", "多病", "体弱多病", "有慢性病", "有疾病",
    "患病", "不良", "没治好", "没好", "还没好", "没好转", "没有好转", "不舒服", "有点不舒服", "难受",
})
LEAD_INS: tuple[str, ...] = ("健康状况", "健康情况", "身体状况", "身体情况", "身体", "本人", "目前", "现在", "平时",
                             "一直", "都")
INTENSIFIERS: tuple[str, ...] = ("还算", "还是", "基本", "总体", "非常", "十分", "特别", "比较", "很", "挺", "蛮",
                                 "还", "算", "都")
# Short forms of the 残疾证 categories: written out so eligibility finds 残疾 in them.
DISABILITY_SHORT: dict[str, str] = {
    "肢残": "肢体残疾", "视残": "视力残疾", "听残": "听力残疾", "言残": "言语残疾", "智残": "智力残疾",
    "精残": "精神残疾", "残障": "残疾", "残废": "残疾",
}
# 没有糖尿病 / 没高血压 / 不是大病: a denial of a named condition (not 没治好, 没有好转: those keep 好 / 治).
# 无 / 未 / 非 take no illness name after them: 无精症, 未分化癌, 非淋菌性尿道炎 are illnesses.
_QUALIFIERS = "(什么|啥|得|患|患有|明显|重大|严重|大|慢性|特殊|其他|别的)*"
_DENIAL = re.compile(
    f"(没有|没得|没|不是){_QUALIFIERS}(?P<mid>[^好治愈转]{{0,8}}?)(病|疾病|毛病|残疾|症|炎|癌|瘤|压|异常|问题)(史)?"
    f"|(无|未患|未见|未|非){_QUALIFIERS}(病|疾病|毛病|残疾|异常|问题|不适)(史)?")
_TRAILING_NOISE = "。.!！~～,，、;；"


@dataclass(frozen=True)
class HealthReading:
    """What a 健康状况 answer records: the value, whether it counts as not 良好, and the echo line."""

    value: str
    illness: bool
    note: str | None = None
    disability: bool = False


def _core(key: str) -> tuple[str, bool]:
    # Strip "身体" / "目前" and "很" / "挺" … repeatedly: 身体一直都很好 → 好. Report whether anything went.
    stripped = False
    changed = True
    while changed:
        changed = False
        key = key.lstrip(":")
        for word in (*LEAD_INS, *INTENSIFIERS):
            if key.startswith(word) and len(key) > len(word):
                key, changed, stripped = key[len(word):], True, True
                break
    return key.lstrip(":"), stripped


def _forms(text: str) -> tuple[str, ...]:
    # The folded answer, without a trailing 的 / 了 / 啊 …, each also with its lead-ins stripped.
    key = fold(text)
    out = [key]
    bare = key.rstrip("的了啊呀吧哦呢啦嘛").rstrip(_TRAILING_NOISE)
    if bare and bare != key:
        out.append(bare)
    return tuple(out)


def _classify(text: str) -> str | None:
    """'good', 'unwell' or None (an illness, or something else) for a typed answer."""
    for form in _forms(text):
        core, stripped = _core(form)
        for word in (form, core):
            if word in HEALTHY_WORDS or word in NO_ILLNESS_WORDS:
                return "good"
            if word in UNWELL_WORDS:
                return "unwell"
        if stripped and core in WEAK_HEALTHY_WORDS or form in ("还可以", "还算可以"):
            return "good"
        if _DENIAL.fullmatch(core) or _DENIAL.fullmatch(form):
            return "good"
    return None


def _as_typed(text: str) -> str:
    return " ".join(clean_text(text, False).split()).strip(_TRAILING_NOISE + " ")


def read_health(text: str, *, max_len: int = MAX_HEALTH_LEN, example: str = EXAMPLE_ILLNESS) -> HealthReading | Invalid:
    """良好 for every way of saying healthy, the illness as typed otherwise, a refusal for words that are no answer."""
    typed = _as_typed(text)
    if not typed:
        return Invalid(t("health.empty", example=example))
    kind = _classify(typed)
    if kind == "good":
        return HealthReading(HEALTH_GOOD, False, None if typed == HEALTH_GOOD else t("health.recorded_good"))
    if kind == "unwell":
        return Invalid(t("health.which_illness", text=clip(text), example=example))
    word = not_an_answer(typed)
    if word in ("command", "button", "skip"):
        return Invalid(t("health.command", text=clip(text), example=example))
    if word is not None:
        return Invalid(t("health.not_answer", text=clip(text), example=example))
    if not any(ch.isalpha() for ch in typed):
        return Invalid(t("health.no_letters", text=clip(text), example=example))
    value = typed
    for short, full in DISABILITY_SHORT.items():
        if short in value and full not in value:
            value = value.replace(short, full)
    if len(value) > max_len:
        return Invalid(t("health.too_long", n=len(value), max=max_len, example=example))
    if DISABILITY_WORD in value:
        return HealthReading(value, True, t("health.recorded_disability", value=value), disability=True)
    return HealthReading(value, True, t("health.recorded_illness", value=value))


def parse_health(text: str, *, max_len: int = MAX_HEALTH_LEN, example: str = EXAMPLE_ILLNESS) -> Result:
    """read_health as a validator result: the note goes out as the one-line echo (Valid.warning)."""
    reading = read_health(text, max_len=max_len, example=example)
    if isinstance(reading, Invalid):
        return reading
    return Valid(reading.value, reading.value, warning=reading.note)
