"""Every rule and boundary of spec/eligibility.md, worked with exact-cent households."""

from __future__ import annotations

import json
from dataclasses import fields
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, get_type_hints

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.eligibility import (
    CATEGORY_BY_CRITERION,
    InputError,
    Inputs,
    Member,
    Result,
    assess,
    inputs_from_mapping,
    result_to_json,
)
from flows.standards import StandardsError, UnknownRegion, default_cap, parse_standards
from flows.tag_rules import TAG_INPUT_TYPES, TagRulesError, parse_tag_rules

D = Decimal
CENT = D("0.01")
DATA = Path(__file__).resolve().parents[2] / "flows" / "data"
STANDARDS_DATA = json.loads((DATA / "standards.json").read_text(encoding="utf-8"))
TAGS_DATA = json.loads((DATA / "tags.json").read_text(encoding="utf-8"))
TABLE = parse_standards(STANDARDS_DATA)
TAGS = parse_tag_rules(TAGS_DATA)

SPEC_TABLE = [
    ("东宝区", 575, 863),
    ("掇刀区（荆门高新区）", 575, 863),
    ("漳河新区", 575, 863),
    ("京山市", 500, 750),
    ("沙洋县", 500, 750),
    ("钟祥市", 500, 750),
    ("屈家岭管理区", 500, 750),
]
SPEC_TAGS = [
    (4, "零就业家庭"),
    (5, "下岗失业家庭"),
    (6, "因大病致困家庭"),
    (7, "因身体残疾致困家庭"),
    (8, "子女就读高中、大学困难职工家庭"),
    (9, "无住房困难职工家庭"),
]
ALL_TAGS = tuple(tag for _, tag in SPEC_TAGS)


def household(
    p: Decimal | str | int | None = None,
    *,
    region: str = "东宝区",
    size: int = 1,
    insurance: Decimal | str = "0",
    income: Decimal | str | None = None,
    **answers: Any,
) -> Inputs:
    """Return Inputs whose per-capita monthly figure P is exactly ``p`` (or whose income is ``income``)."""
    if income is None:
        income = D(p) * 12 * size + D(insurance)
    return Inputs(
        region=region,
        household_size=size,
        household_annual_income=D(income),
        insurance_contrib_annual=D(insurance),
        **answers,
    )


def run(inputs: Inputs, table: Any = TABLE) -> Result:
    """Return the assessment with the shipped tag rules."""
    return assess(inputs, table, TAGS)


# --- the shipped data matches the spec --------------------------------------


@pytest.mark.parametrize(("region", "s", "cap"), SPEC_TABLE, ids=[r for r, _, _ in SPEC_TABLE])
def test_shipped_table_matches_spec(region: str, s: int, cap: int) -> None:
    standard = TABLE.lookup(region)
    assert (standard.region, standard.standard, standard.cap) == (region, D(s), D(cap))


def test_shipped_table_metadata() -> None:
    assert TABLE.version == "jingmen-2018"
    assert TABLE.effective_date.isoformat() == "2018-03-15"
    assert TABLE.region_names() == tuple(r for r, _, _ in SPEC_TABLE)


def test_shipped_tag_rules_are_rows_4_to_9_in_order() -> None:
    assert [(rule.row, rule.tag) for rule in TAGS.rules] == SPEC_TAGS


def test_tag_input_keys_are_inputs_fields() -> None:
    hints = get_type_hints(Inputs)
    for key, kind in TAG_INPUT_TYPES.items():
        assert key in hints
        assert kind in (getattr(hints[key], "__args__", None) or (hints[key],))


# --- the criteria at every boundary, for a 575 and a 500 region ---------------


def boundary_cases(region: str, s: Decimal, cap: Decimal) -> list[Any]:
    """Return the boundary rows of spec §3 for one region."""
    s3 = 3 * s
    rows: list[tuple[str, dict[str, Any], int | None]] = [
        ("c2 dibao one cent below S", {"p": s - CENT, "receives_dibao": True}, 2),
        ("c2 dibao P equal S", {"p": s, "receives_dibao": True}, None),
        ("c2 dibao size 3 one cent below S", {"p": s - CENT, "size": 3, "receives_dibao": True}, 2),
        ("c1 6 months one cent below S", {"p": s - CENT, "months_below_standard": 6}, 1),
        ("c1 5 months one cent below S", {"p": s - CENT, "months_below_standard": 5}, None),
        ("c1 P equal S 12 months", {"p": s, "months_below_standard": 12}, None),
        ("c1 size 4 one cent below S", {"p": s - CENT, "size": 4, "months_below_standard": 6}, 1),
        ("c3 P equal cap", {"p": cap, "single_parent": True}, 3),
        ("c3 one cent above cap", {"p": cap + CENT, "single_parent": True}, None),
        ("c3 one cent below cap", {"p": cap - CENT, "single_parent": True}, 3),
        ("c3 P equal S", {"p": s, "single_parent": True}, 3),
        ("c3 at cap without special reason", {"p": cap}, None),
        (
            "c4 P equal 3S adjusted equal S",
            {"p": s3, "sudden_hardship": True, "necessary_expenses_annual": (s3 - s) * 12},
            4,
        ),
        (
            "c4 one cent above 3S",
            {"p": s3 + CENT, "sudden_hardship": True, "necessary_expenses_annual": (s3 + CENT) * 12},
            None,
        ),
        ("c4 adjusted equal S", {"p": 2 * s, "sudden_hardship": True, "necessary_expenses_annual": s * 12}, 4),
        (
            "c4 adjusted one cent above S",
            {"p": 2 * s, "sudden_hardship": True, "necessary_expenses_annual": s * 12 - D("0.12")},
            None,
        ),
        (
            "c4 adjusted one cent below S",
            {"p": 2 * s, "sudden_hardship": True, "necessary_expenses_annual": s * 12 + D("0.12")},
            4,
        ),
        (
            "c4 adjusted equal S size 2",
            {"p": 2 * s, "size": 2, "main_cause": 8, "necessary_expenses_annual": s * 24},
            4,
        ),
        ("c4 without sudden hardship", {"p": 2 * s, "necessary_expenses_annual": s * 24}, None),
        ("c4 below S without months", {"p": s - CENT, "sudden_hardship": True}, 4),
        ("insurance 0.12 moves P below S", {"income": s * 12, "insurance": "0.12", "months_below_standard": 6}, 1),
        ("no insurance P equal S", {"income": s * 12, "months_below_standard": 6}, None),
        (
            "insurance moves P to cap",
            {"income": (cap + CENT) * 24, "size": 2, "insurance": "0.24", "single_parent": True},
            3,
        ),
        ("no insurance one cent above cap", {"income": (cap + CENT) * 24, "size": 2, "single_parent": True}, None),
        ("nothing at all above cap", {"p": cap + 1}, None),
    ]
    return [
        pytest.param(region, answers, criterion, id=f"{region} {name}")
        for name, answers, criterion in rows
    ]


BOUNDARIES = boundary_cases("东宝区", D(575), D(863)) + boundary_cases("沙洋县", D(500), D(750))


@pytest.mark.parametrize(("region", "answers", "criterion"), BOUNDARIES)
def test_criterion_boundaries(region: str, answers: dict[str, Any], criterion: int | None) -> None:
    result = run(household(region=region, **answers))
    assert result.criterion == criterion
    assert result.eligible is (criterion is not None)
    assert result.category == (CATEGORY_BY_CRITERION[criterion] if criterion else None)


@pytest.mark.parametrize(
    ("answers", "criterion", "category"),
    [
        pytest.param(
            {"p": "574.99", "receives_dibao": True, "months_below_standard": 6}, 2, "低保户", id="dibao beats 6 months"
        ),
        pytest.param(
            {"p": "574.99", "receives_dibao": True, "single_parent": True, "sudden_hardship": True},
            2,
            "低保户",
            id="dibao beats special and sudden",
        ),
        pytest.param(
            {"p": "574.99", "months_below_standard": 5, "single_parent": True}, 3, "低保边缘户", id="5 months + special -> 3"
        ),
        pytest.param(
            {"p": "574.99", "months_below_standard": 6, "single_parent": True, "sudden_hardship": True},
            1,
            "低保边缘户",
            id="criterion 1 beats 3 and 4",
        ),
        pytest.param({"p": "700", "receives_dibao": True, "single_parent": True}, 3, "低保边缘户", id="dibao above S -> 3"),
        pytest.param(
            {"p": "700", "single_parent": True, "sudden_hardship": True, "necessary_expenses_annual": 9000},
            3,
            "低保边缘户",
            id="criterion 3 beats 4",
        ),
        pytest.param(
            {"p": "900", "single_parent": True, "sudden_hardship": True, "necessary_expenses_annual": 3900},
            4,
            "意外致困户",
            id="above cap special + sudden -> 4",
        ),
        pytest.param({"p": "700", "main_cause": 6}, 3, "低保边缘户", id="cause 6 within cap -> 3 (患病)"),
        pytest.param(
            {"p": "1000", "main_cause": 6, "necessary_expenses_annual": 5100}, 4, "意外致困户", id="cause 6 above cap -> 4"
        ),
    ],
)
def test_priority_between_criteria(answers: dict[str, Any], criterion: int, category: str) -> None:
    result = run(household(**answers))
    assert (result.criterion, result.category) == (criterion, category)


# --- special and sudden reasons -----------------------------------------------


def member(**kwargs: Any) -> tuple[Member, ...]:
    return (Member(**kwargs),)


@pytest.mark.parametrize(
    ("answers", "reasons"),
    [
        pytest.param({"main_cause": 6}, ("患病",), id="main cause 6"),
        pytest.param({"secondary_causes": (6,)}, ("患病",), id="secondary cause 6"),
        pytest.param({"health": "高血压"}, ("患病",), id="worker health"),
        pytest.param({"family_members": member(relation="配偶", health="糖尿病")}, ("患病",), id="member health"),
        pytest.param({"main_cause": 9}, ("子女上学",), id="cause 9"),
        pytest.param({"family_members": member(identity="高中生")}, ("子女上学",), id="member 高中生"),
        pytest.param({"family_members": member(identity="大学生")}, ("子女上学",), id="member 大学生"),
        pytest.param({"disability_category": "肢体残疾"}, ("残疾",), id="disability category"),
        pytest.param({"family_members": member(health="视力残疾")}, ("患病", "残疾"), id="member health names 残疾"),
        pytest.param({"single_parent": True}, ("单亲",), id="single parent"),
        pytest.param({"main_cause": 10}, ("其他",), id="cause 10"),
        pytest.param({"secondary_causes": (10, 9)}, ("子女上学", "其他"), id="two reasons in spec order"),
    ],
)
def test_each_special_reason_alone_gives_criterion_3_at_cap(answers: dict[str, Any], reasons: tuple[str, ...]) -> None:
    result = run(household("863", **answers))
    assert result.criterion == 3
    assert result.special_reasons == reasons
    for reason in reasons:
        assert reason in result.explanation


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param({"health": ""}, id="empty worker health"),
        pytest.param({"health": "良好"}, id="good worker health"),
        pytest.param({"family_members": member(health="良好", identity="初中生")}, id="healthy 初中生"),
        pytest.param({"family_members": member(health="")}, id="empty member health"),
        pytest.param({"disability_category": ""}, id="empty disability category"),
        pytest.param({"disability_category": "无"}, id="disability category 无"),
        pytest.param({"main_cause": 1, "secondary_causes": (2, 3, 4)}, id="causes 1-4"),
        pytest.param({"main_cause": 5, "secondary_causes": (7,)}, id="sudden cause is not special"),
    ],
)
def test_no_special_reason(answers: dict[str, Any]) -> None:
    result = run(household("863", **answers))
    assert result.special_reasons == ()
    assert result.criterion is None


@pytest.mark.parametrize(
    ("answers", "reasons"),
    [
        pytest.param({"main_cause": 6}, ("重特大疾病",), id="cause 6"),
        pytest.param({"main_cause": 7}, ("遭受自然灾害",), id="cause 7"),
        pytest.param({"main_cause": 8}, ("遭受意外事故",), id="cause 8"),
        pytest.param({"secondary_causes": (7,)}, ("遭受自然灾害",), id="secondary cause 7"),
        pytest.param({"sudden_hardship": True}, ("遭受突发事件、意外伤害或重大疾病",), id="declared"),
    ],
)
def test_each_sudden_reason_alone_gives_criterion_4(answers: dict[str, Any], reasons: tuple[str, ...]) -> None:
    result = run(household("1150", necessary_expenses_annual=575 * 12, **answers))
    assert result.criterion == 4
    assert result.category == "意外致困户"
    assert result.sudden_reasons == reasons


@pytest.mark.parametrize("cause", [1, 2, 3, 4, 5, 9, 10])
def test_other_causes_are_not_sudden(cause: int) -> None:
    result = run(household("1150", main_cause=cause, necessary_expenses_annual=575 * 12))
    assert result.sudden_reasons == ()
    assert result.criterion is None


# --- 附件2 tags ----------------------------------------------------------------

DIBAO = {"p": "574.99", "receives_dibao": True}


@pytest.mark.parametrize(
    ("answers", "tags"),
    [
        pytest.param({}, (), id="no tag"),
        pytest.param({"zero_employment": True}, ("零就业家庭",), id="row 4 zero employment"),
        pytest.param({"work_status": "下（待）岗"}, ("下岗失业家庭",), id="row 5 work status"),
        pytest.param({"work_status": "下(待)岗"}, ("下岗失业家庭",), id="row 5 ascii parentheses"),
        pytest.param({"main_cause": 3}, ("下岗失业家庭",), id="row 5 cause 3"),
        pytest.param({"secondary_causes": (3,)}, ("下岗失业家庭",), id="row 5 secondary cause 3"),
        pytest.param({"main_cause": 6}, ("因大病致困家庭",), id="row 6 cause 6"),
        pytest.param({"disability_category": "肢体残疾"}, ("因身体残疾致困家庭",), id="row 7 disability"),
        pytest.param({"family_members": member(health="智力残疾")}, ("因身体残疾致困家庭",), id="row 7 member"),
        pytest.param({"main_cause": 9}, ("子女就读高中、大学困难职工家庭",), id="row 8 cause 9"),
        pytest.param({"family_members": member(identity="高中生")}, ("子女就读高中、大学困难职工家庭",), id="row 8 高中生"),
        pytest.param({"family_members": member(identity="大学生")}, ("子女就读高中、大学困难职工家庭",), id="row 8 大学生"),
        pytest.param({"housing_type": "租房"}, ("无住房困难职工家庭",), id="row 9 租房"),
        pytest.param({"housing_type": "承租单位公房"}, ("无住房困难职工家庭",), id="row 9 承租单位公房"),
        pytest.param({"housing_type": "政府廉租房"}, ("无住房困难职工家庭",), id="row 9 政府廉租房"),
        pytest.param({"housing_type": "商品房", "work_status": "病休", "health": "高血压"}, (), id="no tag attributes"),
        pytest.param({"main_cause": 7, "family_members": member(identity="初中生")}, (), id="cause 7 no tag"),
    ],
)
def test_each_tag_alone(answers: dict[str, Any], tags: tuple[str, ...]) -> None:
    result = run(household(**DIBAO, **answers))
    assert result.criterion == 2
    assert result.tags == tags


ALL_TAG_ATTRIBUTES: dict[str, Any] = {
    "zero_employment": True,
    "work_status": "下（待）岗",
    "main_cause": 6,
    "secondary_causes": (3, 9),
    "disability_category": "肢体残疾",
    "family_members": (Member(identity="大学生", health="听力残疾"),),
    "housing_type": "租房",
}


def test_all_tags_in_row_order() -> None:
    assert run(household(**DIBAO, **ALL_TAG_ATTRIBUTES)).tags == ALL_TAGS


@pytest.mark.parametrize(
    "p", [pytest.param("1725.01", id="above 3S"), pytest.param("1200", id="above cap, adjusted above S")]
)
def test_not_eligible_household_has_no_tags(p: str) -> None:
    result = run(household(p, **ALL_TAG_ATTRIBUTES))
    assert not result.eligible
    assert result.tags == ()


# --- explanations ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        pytest.param(
            household(income="20000", size=3, months_below_standard=6),
            "家庭人均月收入 555.56 元，低于东宝区低保标准 575 元，且已连续 6 个月 → 低保边缘户（认定标准第1条）",
            id="criterion 1",
        ),
        pytest.param(
            household("900"),
            "家庭人均月收入 900.00 元，高于东宝区低保标准 575 元 325.00 元，"
            "也高于150%上限 863 元 37.00 元；无突发困难情形 → 不符合认定标准",
            id="above cap",
        ),
        pytest.param(
            household("499.99", region="沙洋县", receives_dibao=True),
            "家庭人均月收入 499.99 元，低于沙洋县低保标准 500 元，且享受城市低保 → 低保户（认定标准第2条）",
            id="criterion 2",
        ),
    ],
)
def test_explanation_exact(inputs: Inputs, expected: str) -> None:
    assert run(inputs).explanation == expected


@pytest.mark.parametrize(
    ("inputs", "fragments"),
    [
        pytest.param(
            household("863", single_parent=True, health="高血压"),
            ["863.00 元", "150%上限 863 元", "特殊困难原因：患病、单亲", "认定标准第3条"],
            id="criterion 3 names reasons",
        ),
        pytest.param(
            household("1725", sudden_hardship=True, necessary_expenses_annual=1150 * 12),
            ["1725.00 元", "300%上限 1725 元", "遭受突发事件", "13800 元/年", "575.00 元", "等于低保标准 575 元", "第4条"],
            id="criterion 4 names adjusted figure",
        ),
        pytest.param(
            household("574.99", insurance="1200", months_below_standard=6),
            ["574.99 元", "已扣除个人缴纳的养老、医疗、失业保险 1200 元/年"],
            id="insurance shown",
        ),
        pytest.param(
            household("574.99", months_below_standard=5),
            ["低于东宝区低保标准 575 元", "仅连续 5 个月", "需满 6 个月", "无特殊困难原因", "无突发困难情形", "不符合认定标准"],
            id="below S too few months",
        ),
        pytest.param(
            household("575", receives_dibao=True),
            ["等于东宝区低保标准 575 元", "150%上限 863 元以内", "无特殊困难原因", "不符合认定标准"],
            id="dibao P equal S",
        ),
        pytest.param(
            household("1150", sudden_hardship=True, necessary_expenses_annual=D(575 * 12) - D("0.12")),
            ["高于150%上限 863 元 287.00 元", "家庭人均月收入 575.01 元", "仍高于低保标准 575 元 0.01 元"],
            id="adjusted one cent above S",
        ),
        pytest.param(
            household("1500.01", region="沙洋县", sudden_hardship=True),
            ["高于300%上限 1500 元 0.01 元", "不符合认定标准"],
            id="above 3S",
        ),
    ],
)
def test_explanation_mentions_numbers(inputs: Inputs, fragments: list[str]) -> None:
    explanation = run(inputs).explanation
    for fragment in fragments:
        assert fragment in explanation


def test_explanation_names_amounts_below_one_cent() -> None:
    result = run(household(income="6900.01", months_below_standard=6))  # P = 575.000833…
    assert result.criterion is None
    assert "高于东宝区低保标准 575 元 不足 0.01 元" in result.explanation


# --- the standards table -------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "region"),
    [
        pytest.param("东宝区", "东宝区", id="canonical"),
        pytest.param("荆门市东宝区", "东宝区", id="alias"),
        pytest.param(" 东宝区 ", "东宝区", id="spaces"),
        pytest.param("掇刀区(荆门高新区)", "掇刀区（荆门高新区）", id="ascii parentheses"),
        pytest.param("掇刀区（荆门高新区）", "掇刀区（荆门高新区）", id="full-width parentheses"),
        pytest.param("荆门高新区", "掇刀区（荆门高新区）", id="高新区 alias"),
        pytest.param("京山县", "京山市", id="old county name"),
    ],
)
def test_lookup_by_name_or_alias(name: str, region: str) -> None:
    assert TABLE.lookup(name).region == region


@pytest.mark.parametrize("name", ["武汉市", "", "东宝"])
def test_unknown_region_names_the_known_ones(name: str) -> None:
    with pytest.raises(UnknownRegion) as caught:
        TABLE.lookup(name)
    for known, _, _ in SPEC_TABLE:
        assert known in str(caught.value)
    assert "region" in str(caught.value)


def test_assess_unknown_region_is_an_error_not_a_default() -> None:
    with pytest.raises(UnknownRegion, match="武汉市"):
        run(household("100", region="武汉市"))


def table_dict(*regions: dict[str, Any], version: str = "test-2025") -> dict[str, Any]:
    return {"version": version, "effective_date": "2025-01-01", "regions": list(regions)}


@pytest.mark.parametrize(
    ("s", "cap"),
    [
        pytest.param(575, 863, id="575 -> 863 (862.5 up)"),
        pytest.param(333, 500, id="333 -> 500 (499.5 up)"),
        pytest.param(500, 750, id="500 -> 750"),
        pytest.param(501, 752, id="501 -> 752 (751.5 up)"),
        pytest.param(600, 900, id="600 -> 900"),
        pytest.param("575.50", 863, id="575.50 -> 863 (863.25 down)"),
    ],
)
def test_cap_defaults_to_one_and_a_half_times_s_half_up(s: Any, cap: int) -> None:
    table = parse_standards(table_dict({"name": "东宝区", "standard": s}))
    assert table.lookup("东宝区").cap == D(cap)
    assert default_cap(D(str(s))) == D(cap)


def test_published_cap_is_kept() -> None:
    table = parse_standards(table_dict({"name": "东宝区", "standard": 575, "cap": 870}))
    assert table.lookup("东宝区").cap == D(870)


def test_replaced_table_changes_the_result() -> None:
    inputs = household("590", months_below_standard=6)
    assert run(inputs).criterion is None
    table = parse_standards(table_dict({"name": "东宝区", "aliases": ["荆门市东宝区"], "standard": 600}))
    result = run(inputs, table)
    assert (result.criterion, result.category) == (1, "低保边缘户")
    assert (result.standard, result.cap) == (D(600), D(900))
    assert result.standards_version == "test-2025"
    assert "低于东宝区低保标准 600 元" in result.explanation
    with pytest.raises(UnknownRegion):
        run(household("590", region="沙洋县"), table)


def test_standards_errors_are_all_reported_at_once() -> None:
    bad = {
        "effective_date": "2018-13-45",
        "regoins": [],
        "regions": [
            {"name": "东宝区", "standard": -575},
            {"name": "沙洋县", "standard": 500, "cap": 400},
            {"name": "钟祥市", "standrad": 500},
            {"name": "漳河新区", "aliases": ["东宝区"], "standard": 575},
            "京山市",
        ],
    }
    with pytest.raises(StandardsError) as caught:
        parse_standards(bad)
    problems = caught.value.problems
    expected = [
        "version",
        "effective_date",
        "regoins",
        "东宝区）.standard",
        "沙洋县）.cap",
        "standrad",
        "regions[2]（钟祥市）：缺少“standard”",
        "regions[3]（漳河新区）：名称或别名“东宝区”",
        "regions[4]",
    ]
    assert len(problems) == len(expected)
    for fragment in expected:
        assert any(fragment in problem for problem in problems), fragment
    assert str(len(problems)) in str(caught.value)


@pytest.mark.parametrize(
    ("regions", "fragment"),
    [
        pytest.param([], "regions", id="no regions"),
        pytest.param([{"name": "", "standard": 575}], "name", id="empty name"),
        pytest.param([{"name": "东宝区", "standard": True}], "standard", id="bool standard"),
        pytest.param([{"name": "东宝区", "standard": 0}], "standard", id="zero standard"),
        pytest.param([{"name": "东宝区", "standard": 575, "aliases": "荆门"}], "aliases", id="aliases not a list"),
        pytest.param(
            [{"name": "东宝区", "standard": 575}, {"name": "东宝区(旧)", "aliases": ["东宝区"], "standard": 575}],
            "东宝区",
            id="alias claimed twice",
        ),
    ],
)
def test_standards_single_problem(regions: list[Any], fragment: str) -> None:
    with pytest.raises(StandardsError) as caught:
        parse_standards(table_dict(*regions))
    assert any(fragment in problem for problem in caught.value.problems)


def test_tag_rules_errors_are_all_reported_at_once() -> None:
    bad = {
        "rules": [
            {"row": 4, "tag": "零就业家庭", "any": [{"input": "zero_employmnet", "equals": True}]},
            {"row": 4, "tag": "下岗失业家庭", "any": [{"cause": [11]}]},
            {"row": 2, "tag": "x", "any": []},
            {"row": 6, "tag": "因大病致困家庭", "any": [{"input": "housing_type", "in": [1]}, {"foo": 1}]},
            {"row": 7, "tag": "因身体残疾致困家庭", "any": [{"input": "zero_employment", "equals": "是"}]},
        ]
    }
    with pytest.raises(TagRulesError) as caught:
        parse_tag_rules(bad)
    problems = caught.value.problems
    expected = [
        "rules[0]（零就业家庭）.any[0]：不认识的输入项 \"zero_employmnet\"",
        "rules[1]（下岗失业家庭）.any[0]",
        "rules[2]（x）.row",
        "rules[2]（x）.any",
        "rules[3]（因大病致困家庭）.any[0]",
        "rules[3]（因大病致困家庭）.any[1]",
        "rules[4]（因身体残疾致困家庭）.any[0]",
        "行号 4",
    ]
    for fragment in expected:
        assert any(fragment in problem for problem in problems), fragment
    assert len(problems) == len(expected)


def test_replaced_tag_rules_change_the_tags() -> None:
    rules = parse_tag_rules(
        {"rules": [{"row": 9, "tag": "无住房", "any": [{"input": "housing_type", "in": ["其他"]}]}]}
    )
    result = assess(household(**DIBAO, housing_type="其他"), TABLE, rules)
    assert result.tags == ("无住房",)


# --- inputs_from_mapping and result_to_json ---------------------------------------

MINIMAL = {"region": "东宝区", "household_size": 3, "household_annual_income": 20000}


def test_minimal_mapping_takes_defaults() -> None:
    assert inputs_from_mapping(MINIMAL) == Inputs(region="东宝区", household_size=3, household_annual_income=D(20000))


def test_full_mapping() -> None:
    data = {
        "region": "荆门市东宝区",
        "household_size": "2",
        "household_annual_income": "12000.50",
        "insurance_contrib_annual": 1200.1,
        "receives_dibao": "否",
        "months_below_standard": 7,
        "necessary_expenses_annual": 0,
        "sudden_hardship": True,
        "main_cause": 3,
        "secondary_causes": [9, "6"],
        "single_parent": "是",
        "health": " 高血压 ",
        "disability_category": None,
        "work_status": "下（待）岗",
        "housing_type": "租房",
        "zero_employment": False,
        "family_members": [{"name": "张三", "relation": "子女", "identity": "大学生", "monthly_income": "0"}],
        "unknown_key": {"anything": 1},
    }
    inputs = inputs_from_mapping(data)
    assert inputs == Inputs(
        region="荆门市东宝区",
        household_size=2,
        household_annual_income=D("12000.50"),
        insurance_contrib_annual=D("1200.1"),
        receives_dibao=False,
        months_below_standard=7,
        sudden_hardship=True,
        main_cause=3,
        secondary_causes=(9, 6),
        single_parent=True,
        health="高血压",
        work_status="下（待）岗",
        housing_type="租房",
        family_members=(Member(relation="子女", identity="大学生", monthly_income=D(0)),),
    )
    assert isinstance(inputs.insurance_contrib_annual, Decimal)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        pytest.param({"region": None}, "region", id="missing region"),
        pytest.param({"region": "  "}, "region", id="blank region"),
        pytest.param({"region": 5}, "region", id="region not text"),
        pytest.param({"household_size": None}, "household_size", id="missing size"),
        pytest.param({"household_size": 0}, "household_size", id="size 0"),
        pytest.param({"household_size": 2.5}, "household_size", id="size 2.5"),
        pytest.param({"household_size": True}, "household_size", id="size bool"),
        pytest.param({"household_annual_income": "abc"}, "household_annual_income", id="income text"),
        pytest.param({"household_annual_income": -1}, "household_annual_income", id="income negative"),
        pytest.param({"household_annual_income": "NaN"}, "household_annual_income", id="income NaN"),
        pytest.param({"household_annual_income": 1e13}, "household_annual_income", id="income too large"),
        pytest.param({"insurance_contrib_annual": "-0.01"}, "insurance_contrib_annual", id="insurance negative"),
        pytest.param({"necessary_expenses_annual": [1]}, "necessary_expenses_annual", id="expenses list"),
        pytest.param({"receives_dibao": "yes"}, "receives_dibao", id="dibao yes"),
        pytest.param({"receives_dibao": 1}, "receives_dibao", id="dibao 1"),
        pytest.param({"zero_employment": "true"}, "zero_employment", id="zero employment string"),
        pytest.param({"months_below_standard": -1}, "months_below_standard", id="months negative"),
        pytest.param({"main_cause": 0}, "main_cause", id="main cause 0"),
        pytest.param({"main_cause": 11}, "main_cause", id="main cause 11"),
        pytest.param({"secondary_causes": [1, 2, 4, 5]}, "secondary_causes", id="four secondary"),
        pytest.param({"secondary_causes": [2, 2]}, "secondary_causes", id="secondary repeated"),
        pytest.param({"main_cause": 2, "secondary_causes": [2]}, "secondary_causes", id="secondary equals main"),
        pytest.param({"secondary_causes": [11]}, "secondary_causes", id="secondary 11"),
        pytest.param({"secondary_causes": 3}, "secondary_causes", id="secondary not a list"),
        pytest.param({"health": 1}, "health", id="health not text"),
        pytest.param({"family_members": {}}, "family_members", id="members not a list"),
        pytest.param({"family_members": ["x"]}, "family_members", id="member not an object"),
        pytest.param(
            {"family_members": [{}, {"monthly_income": -5}]}, "family_members[1].monthly_income", id="member income"
        ),
        pytest.param({"family_members": [{"identity": 3}]}, "family_members[0].identity", id="member identity"),
    ],
)
def test_inputs_from_mapping_errors_name_the_field(change: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as caught:
        inputs_from_mapping({**MINIMAL, **change})
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}（")


def test_input_error_has_chinese_hint() -> None:
    with pytest.raises(InputError) as caught:
        inputs_from_mapping({**MINIMAL, "household_size": 0})
    assert "家庭人口" in str(caught.value)
    assert "例如 3" in str(caught.value)


def test_inputs_from_mapping_rejects_non_object() -> None:
    with pytest.raises(InputError):
        inputs_from_mapping([1, 2])  # type: ignore[arg-type]


def test_inputs_dataclass_checks_ranges_too() -> None:
    with pytest.raises(InputError, match="household_size"):
        Inputs(region="东宝区", household_size=0, household_annual_income=D(1))
    with pytest.raises(InputError, match="secondary_causes"):
        Inputs(region="东宝区", household_size=1, household_annual_income=D(1), main_cause=3, secondary_causes=(3,))


def test_member_dataclass_checks_too() -> None:
    with pytest.raises(InputError, match="月收入") as caught:
        Member(monthly_income=D(-1))
    assert caught.value.field == "member.monthly_income"
    assert Member(monthly_income=5).monthly_income == D(5)  # type: ignore[arg-type]


def test_result_to_json() -> None:
    result = run(inputs_from_mapping({**MINIMAL, "months_below_standard": 6, "housing_type": "租房"}))
    out = result_to_json(result)
    assert set(out) == {
        "eligible",
        "category",
        "criterion",
        "per_capita_monthly_income",
        "standard",
        "cap",
        "tags",
        "explanation",
        "standards_version",
    }
    assert out["per_capita_monthly_income"] == 555.56
    assert result.per_capita_monthly_income > D("555.555")  # kept unrounded inside
    assert (out["standard"], out["cap"]) == (575, 863)
    assert (out["eligible"], out["category"], out["criterion"]) == (True, "低保边缘户", 1)
    assert out["tags"] == ["无住房困难职工家庭"]
    assert out["standards_version"] == "jingmen-2018"
    assert json.loads(json.dumps(out, ensure_ascii=False)) == out


def test_result_to_json_not_eligible() -> None:
    out = result_to_json(run(household("900", housing_type="租房")))
    assert (out["eligible"], out["category"], out["criterion"], out["tags"]) == (False, None, None, [])


# --- properties ------------------------------------------------------------------


def cents(maximum: int) -> st.SearchStrategy[Decimal]:
    return st.integers(0, maximum).map(lambda c: D(c).scaleb(-2))


@st.composite
def random_inputs(draw: st.DrawFn) -> Inputs:
    names = [name for standard in TABLE.standards for name in (standard.region, *standard.aliases)]
    main = draw(st.none() | st.integers(1, 10))
    secondary = draw(st.lists(st.integers(1, 10).filter(lambda c: c != main), max_size=3, unique=True))
    members = draw(
        st.lists(
            st.builds(
                Member,
                relation=st.sampled_from(["配偶", "子女", "父亲", ""]),
                identity=st.sampled_from(["", "高中生", "大学生", "初中生", "务农", "无业"]),
                health=st.sampled_from(["良好", "", "糖尿病", "肢体残疾", "残疾"]),
                monthly_income=cents(1_000_000),
            ),
            max_size=4,
        )
    )
    return Inputs(
        region=draw(st.sampled_from(names)),
        household_size=draw(st.integers(1, 9)),
        household_annual_income=draw(cents(50_000_000)),
        insurance_contrib_annual=draw(cents(2_000_000)),
        receives_dibao=draw(st.booleans()),
        months_below_standard=draw(st.integers(0, 36)),
        necessary_expenses_annual=draw(cents(50_000_000)),
        sudden_hardship=draw(st.booleans()),
        main_cause=main,
        secondary_causes=tuple(secondary),
        single_parent=draw(st.booleans()),
        health=draw(st.sampled_from(["良好", "", "高血压", "癌症"])),
        disability_category=draw(st.none() | st.sampled_from(["", "肢体残疾", "视力残疾"])),
        work_status=draw(st.sampled_from(["在岗", "下（待）岗", "病休", "内退"])),
        housing_type=draw(st.sampled_from(["自建房", "商品房", "租房", "承租单位公房", "政府廉租房", "其他"])),
        zero_employment=draw(st.booleans()),
        family_members=tuple(members),
    )


def reference_criterion(inputs: Inputs, result: Result) -> int | None:
    """Decide spec §3 independently, with exact fractions."""
    standard = TABLE.lookup(inputs.region)
    s, cap = Fraction(standard.standard), Fraction(standard.cap)
    n = 12 * inputs.household_size
    p = (Fraction(inputs.household_annual_income) - Fraction(inputs.insurance_contrib_annual)) / n
    adjusted = p - Fraction(inputs.necessary_expenses_annual) / n
    if p < s and inputs.receives_dibao:
        return 2
    if p < s and inputs.months_below_standard >= 6:
        return 1
    if p <= cap and result.special_reasons:
        return 3
    if p <= 3 * s and result.sudden_reasons and adjusted <= s:
        return 4
    return None


@settings(max_examples=300, deadline=None)
@given(random_inputs())
def test_assess_never_raises_and_is_consistent(inputs: Inputs) -> None:
    result = run(inputs)
    assert (result.category is None) is (not result.eligible)
    assert (result.criterion is None) is (not result.eligible)
    if not result.eligible:
        assert result.tags == ()
    else:
        assert result.category == CATEGORY_BY_CRITERION[result.criterion]
        assert set(result.tags) <= set(ALL_TAGS)
        assert list(result.tags) == [tag for tag in ALL_TAGS if tag in result.tags]
    assert result.criterion == reference_criterion(inputs, result)
    out = result_to_json(result)
    assert json.loads(json.dumps(out, ensure_ascii=False)) == out
    assert f"{out['per_capita_monthly_income']:.2f}" in result.explanation


@settings(max_examples=100, deadline=None)
@given(random_inputs())
def test_inputs_round_trip_through_mapping(inputs: Inputs) -> None:
    data = {f.name: getattr(inputs, f.name) for f in fields(Inputs)}
    data["household_annual_income"] = str(inputs.household_annual_income)
    data["insurance_contrib_annual"] = float(inputs.insurance_contrib_annual)
    data["necessary_expenses_annual"] = str(inputs.necessary_expenses_annual)
    data["secondary_causes"] = list(inputs.secondary_causes)
    data["family_members"] = [
        {"relation": m.relation, "identity": m.identity, "health": m.health, "monthly_income": str(m.monthly_income)}
        for m in inputs.family_members
    ]
    assert inputs_from_mapping(data) == inputs


def test_the_category_names_are_defined_once() -> None:
    from flows.categories import CATEGORIES, CATEGORY_BY_CRITERION, CATEGORY_CHOICES, NOT_ELIGIBLE
    assert CATEGORIES == ("低保户", "低保边缘户", "意外致困户") and NOT_ELIGIBLE == "不符合认定标准"
    assert set(CATEGORY_BY_CRITERION.values()) == set(CATEGORIES)
    assert CATEGORY_CHOICES == (*CATEGORIES, NOT_ELIGIBLE)
