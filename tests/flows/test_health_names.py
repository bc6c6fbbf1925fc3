"""健康状况, names and non-answers, from the way people type them on a phone or in a hurry."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.answers import Invalid, Valid
from flows.health import HealthReading, parse_health, read_health
from flows.names import normalize_name
from flows.non_answers import not_an_answer

GOOD = "良好"
ASK = None  # asked again: nothing stored

# typed -> stored value (良好 or the illness as typed), or ASK
HEALTH_CASES: list[tuple[str, str | None]] = [
    ("良好", GOOD), ("健康", GOOD), ("好", GOOD), ("很好", GOOD), ("没病", GOOD), ("没有病", GOOD),
    ("身体好", GOOD), ("身体健康", GOOD), ("正常", GOOD), ("挺好", GOOD), ("还行", GOOD), ("无", GOOD),
    ("没有", GOOD), ("健康的", GOOD), ("好的", GOOD), ("挺好的", GOOD), ("好了", GOOD), ("良好。", GOOD),
    (" 良 好 ", GOOD), ("ＯＫ", GOOD), ("健康！", GOOD), ("身体很好", GOOD), ("身体挺好的", GOOD),
    ("身体一直都很好", GOOD), ("目前身体健康", GOOD), ("还不错", GOOD), ("身体还可以", GOOD), ("还可以", GOOD),
    ("一切正常", GOOD), ("没毛病", GOOD), ("没什么病", GOOD), ("没什么大病", GOOD), ("没啥病", GOOD),
    ("无疾病", GOOD), ("没有疾病", GOOD), ("健康状况良好", GOOD), ("健康状况：良好", GOOD), ("✔ 良好", GOOD),
    ("没有糖尿病", GOOD), ("没有残疾", GOOD), ("无残疾", GOOD), ("病好了", GOOD), ("已康复", GOOD),
    ("身体硬朗", GOOD), ("很健康", GOOD), ("非常健康", GOOD), ("身体杠杠的", GOOD), ("都挺好", GOOD),
    # an illness or a disability: stored as typed (trimmed)
    ("糖尿病", "糖尿病"), ("高血压 ", "高血压"), ("  冠心病。", "冠心病"), ("高血压，糖尿病", "高血压，糖尿病"),
    ("尿毒症 透析", "尿毒症 透析"), ("肺癌晚期", "肺癌晚期"), ("腰椎间盘突出", "腰椎间盘突出"),
    ("肢体残疾", "肢体残疾"), ("残疾", "残疾"), ("二级肢体残疾", "二级肢体残疾"), ("肢残", "肢体残疾"),
    ("智残", "智力残疾"), ("有高血压", "有高血压"), ("患有糖尿病", "患有糖尿病"), ("无精症", "无精症"),
    ("未分化癌", "未分化癌"), ("非淋菌性尿道炎", "非淋菌性尿道炎"), ("不孕不育", "不孕不育"),
    ("白血病", "白血病"), ("脑梗后遗症", "脑梗后遗症"), ("乳腺癌术后", "乳腺癌术后"), ("抑郁症", "抑郁症"),
    # not well, but no illness named: ask which one
    ("不好", ASK), ("不太好", ASK), ("身体不好", ASK), ("身体不太好", ASK), ("一般", ASK), ("身体一般", ASK),
    ("差", ASK), ("身体很差", ASK), ("有病", ASK), ("有", ASK), ("生病了", ASK), ("不健康", ASK),
    ("没治好", ASK), ("不舒服", ASK),
    # words that are no answer: never stored
    ("确认签字提交", ASK), ("继续填写", ASK), ("下一页", ASK), ("下一页 »", ASK), ("跳过", ASK), ("返回", ASK),
    ("完成（已选 1）", ASK), ("登记完毕", ASK), ("是", ASK), ("对", ASK), ("可以", ASK), ("嗯", ASK), ("否", ASK),
    ("不", ASK), ("不知道", ASK), ("123", ASK), ("", ASK), ("   ", ASK), ("？？", ASK), ("糖" * 51, ASK),
]


@pytest.mark.parametrize(("typed", "stored"), HEALTH_CASES)
def test_health_as_people_type_it(typed: str, stored: str | None) -> None:
    reading = read_health(typed)
    if stored is None:
        assert isinstance(reading, Invalid), f"{typed!r} was stored as {reading}"
        assert "良好" in reading.message or "字" in reading.message  # says what a good answer is
        return
    assert isinstance(reading, HealthReading), f"{typed!r} was refused: {reading}"
    assert reading.value == stored
    assert reading.illness is (stored != GOOD)


def test_the_health_corpus_is_big_enough() -> None:
    assert len(HEALTH_CASES) >= 60


@pytest.mark.parametrize(("typed", "note"), [
    ("健康", "已记录为：良好"), ("糖尿病", "已记录为患病：糖尿病"), ("肢残", "肢体残疾"), ("良好", None),
])
def test_health_echoes_what_was_interpreted(typed: str, note: str | None) -> None:
    reading = read_health(typed)
    assert isinstance(reading, HealthReading)
    if note is None:
        assert reading.note is None  # taken literally: nothing to echo
    else:
        assert reading.note is not None and note in reading.note


def test_a_disability_is_found_by_eligibility() -> None:
    reading = read_health("视残二级")
    assert isinstance(reading, HealthReading) and reading.disability and "残疾" in reading.value


def test_no_illness_named_asks_with_an_example() -> None:
    reading = read_health("身体不好")
    assert isinstance(reading, Invalid) and "糖尿病" in reading.message and "良好" in reading.message


def test_parse_health_gives_the_validator_result() -> None:
    result = parse_health("很好")
    assert isinstance(result, Valid) and result.value == GOOD and result.warning == "已记录为：良好"
    assert isinstance(parse_health("继续填写"), Invalid)


# typed -> stored name, or None when refused
NAME_CASES: list[tuple[str, str | None]] = [
    ("王建国", "王建国"), ("王 建国", "王建国"), ("王 建 国", "王建国"), ("  李秀英 ", "李秀英"),
    ("王　建国", "王建国"), ("欧阳 娜娜", "欧阳娜娜"), ("李秀英。", "李秀英"), ("我叫王建国", "王建国"),
    ("姓名：李秀英", "李秀英"), ("阿依古丽·买买提", "阿依古丽·买买提"), ("阿依古丽•买买提", "阿依古丽·买买提"),
    ("阿依古丽‧买买提", "阿依古丽·买买提"), ("阿依古丽・买买提", "阿依古丽·买买提"),
    ("阿依古丽．买买提", "阿依古丽·买买提"), ("阿依古丽.买买提", "阿依古丽·买买提"),
    ("阿依古丽。买买提", "阿依古丽·买买提"), ("阿依古丽‐买买提", "阿依古丽·买买提"),
    ("阿依古丽-买买提", "阿依古丽·买买提"), ("阿依古丽 · 买买提", "阿依古丽·买买提"),
    ("阿依古丽··买买提", "阿依古丽·买买提"), ("阿依古丽 买买提", "阿依古丽买买提"),
    ("John Smith", "John Smith"), ("John   Smith", "John Smith"), ("Jean-Pierre Dupont", "Jean-Pierre Dupont"),
    ("ＪＯＨＮ", "JOHN"), ("O'Brien", "O'Brien"), ("王", "王"),
    # refused: not a name
    ("好的", None), ("是", None), ("对", None), ("没有", None), ("不用了", None), ("否", None), ("无", None),
    ("返回", None), ("跳过", None), ("继续填写", None), ("确认签字提交", None), ("下一页", None),
    ("下一页 »", None), ("再添加一位", None), ("完成（已选 2）", None), ("登记完毕", None),
    ("123456", None), ("420802197503141232", None), ("王3", None), ("儿子", None), ("老婆", None),
    ("李秀英（妻子）", None), ("王" * 31, None), ("", None), ("。", None), ("😀", None),
]


@pytest.mark.parametrize(("typed", "stored"), NAME_CASES)
def test_names_as_people_type_them(typed: str, stored: str | None) -> None:
    result = normalize_name(typed)
    if stored is None:
        assert isinstance(result, Invalid), f"{typed!r} was stored as {result}"
        assert "例如" in result.message
    else:
        assert isinstance(result, Valid), f"{typed!r} was refused: {result}"
        assert result.value == stored


def test_the_name_corpus_is_big_enough() -> None:
    assert len(NAME_CASES) >= 40


def test_a_changed_name_is_echoed_and_a_kept_one_is_not() -> None:
    changed = normalize_name("王 建国")
    kept = normalize_name("王建国")
    assert isinstance(changed, Valid) and changed.warning == "姓名已记录为：王建国"
    assert isinstance(kept, Valid) and kept.warning is None


def test_a_one_character_name_asks_to_confirm() -> None:
    result = normalize_name("王")
    assert isinstance(result, Valid) and result.warning and "全名" in result.warning


# typed at an optional free-text question (单位或学校, 开户银行, 录入人 …) -> kind, or None for a value
NOT_AN_ANSWER_CASES: list[tuple[str, str | None]] = [
    ("不用了", "no"), ("否", "no"), ("没有", "no"), ("没有了", "no"), ("无", "no"), ("暂无", "no"), ("不", "no"),
    ("没", "no"), ("不知道", "no"), ("无。", "no"), ("/", "no"), ("——", "no"), ("…", "no"), ("No", "no"),
    ("跳过", "skip"), ("不填", "skip"), ("跳过吧", "skip"), ("skip", "skip"),
    ("返回", "command"), ("取消", "command"), ("帮助", "command"), ("完成", "command"), ("下一页", "command"),
    ("完成了", "command"), ("/start", "command"),
    ("下一页 »", "button"), ("« 上一页", "button"), ("确认签字提交", "button"), ("继续填写", "button"),
    ("完成（已选 1）", "button"), ("再添加一位", "button"), ("删除一位", "button"), ("添加第1位家庭成员", "button"),
    ("没有，跳过", "button"), ("登记完毕", "button"), ("保留原答案，下一项", "button"), ("确认提交", "button"),
    ("好的", "yes"), ("是", "yes"), ("对", "yes"), ("嗯", "yes"), ("OK", "yes"), ("👍", "yes"),
    # real values, kept
    ("中国工商银行", None), ("无锡银行", None), ("继续教育学院", None), ("荆门市第一中学", None),
    ("没有单位的个体户", None), ("张三", None), ("完成率统计科", None), ("", None), ("No.1 中学", None),
]


@pytest.mark.parametrize(("typed", "kind"), NOT_AN_ANSWER_CASES)
def test_not_an_answer(typed: str, kind: str | None) -> None:
    assert not_an_answer(typed) == kind


def test_the_not_an_answer_corpus_is_big_enough() -> None:
    assert len(NOT_AN_ANSWER_CASES) >= 30


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_nothing_typed_raises_and_no_command_is_stored(text: str) -> None:
    health = read_health(text)
    name = normalize_name(text)
    kind = not_an_answer(text)
    assert kind in (None, "yes", "no", "skip", "command", "button")
    if kind is not None:
        assert isinstance(name, Invalid)
    if isinstance(health, HealthReading):
        assert health.value == GOOD or not_an_answer(health.value) is None
        assert len(health.value) <= 50
    if isinstance(name, Valid):
        assert not_an_answer(name.value) is None and 0 < len(name.value) <= 30


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["确认签字提交", "继续填写", "下一页", "返回", "跳过", "完成", "登记完毕"]),
       st.sampled_from(["", " ", "  ", "。", "!"]), st.sampled_from(["", " ", "\u3000"]))
def test_a_button_label_is_never_a_value_however_it_is_spaced(label: str, tail: str, head: str) -> None:
    typed = head + label + tail
    assert isinstance(read_health(typed), Invalid)
    assert isinstance(normalize_name(typed), Invalid)
    assert not_an_answer(typed) in ("command", "button", "skip")
