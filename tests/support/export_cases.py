"""Households for the export tests, each driven through the real engine, and their hand-computed 附件2 figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterator
from unittest import mock

from bot.service import IntakeService
from flows.autofill import OFFER
from flows.idcard import id_check_digit
from flows.outputs import Input
from storage import step_values
from storage.models import Interview
from tests.support.factory import load, make_user, override
from tests.support.household import submit
from tests.support.plans import household

UNIT_A = "东宝区总工会"
UNIT_B = "京山市总工会"
X_ID = "42080219781120002X"  # a valid ID number whose check character is X
ZERO_CARD = "0062220212345678903"  # Luhn-valid, starts with zeros: must stay text
ZERO_POSTCODE = "035400"


def make_id(birth: str, serial: int, *, female: bool = False) -> str:
    """A valid 18-digit ID number for a 东宝区 resident born on ``birth`` (YYYYMMDD)."""
    seq = serial * 2 + (0 if female else 1)
    first17 = f"420802{birth}{seq:03d}"
    return first17 + id_check_digit(first17)


SPOUSE = {"name": "配偶甲", "relation": "配偶", "political_status": "群众", "sex": "女", "birth_date": "1978-06-12",
          "health": "良好", "monthly_income": "0", "identity": "灵活就业", "medical_insurance": "居民医保"}


def _plain(**changes: Any) -> dict[str, Any]:
    """A household with no special reason and no 附件2 tag unless ``changes`` adds one."""
    base = dict(
        health="良好", disability_category="无", work_status="在岗", housing_type="商品房", single_parent="否",
        members=[dict(SPOUSE)], zero_employment="否", main_cause="未参加社会保险", secondary_causes=None,
        receives_dibao="否", insurance_contrib_annual="0", household_size=OFFER, region="东宝区",
        months_below_standard="0", sudden_hardship="否", necessary_expenses_annual="0",
    )
    base.update(changes)
    return household(**base)


@dataclass(frozen=True)
class Case:
    """One planned household and what the 附件2 table must count for it."""

    key: str
    unit: str
    plan: dict[str, Any]
    day: int  # submission day in November 2026 (Asia/Shanghai, 10:00 local)
    category: str | None  # the expected 困难类别 after any override
    tags: tuple[str, ...]
    size: int
    override: tuple[str, str] | None = None


def _cases() -> list[Case]:
    c: list[Case] = []
    # 1 低保户: receives 低保, P = 12000 / 2 / 12 = 500 < 575; ID ending in X; zero-led card and postcode.
    c.append(Case("dibao", UNIT_A, _plain(name="陈丽", id_number=X_ID, household_annual_income="12000",
                                          receives_dibao="是", bank_card=ZERO_CARD, postcode=ZERO_POSTCODE),
                  27, "低保户", (), 2))
    # 2 低保边缘户 criterion 1: no 低保, P = 500 < 575 for 8 months; zero-employment.
    c.append(Case("edge1", UNIT_A, _plain(name="刘强", id_number=make_id("19700101", 11),
                                          household_annual_income="12000", months_below_standard="8",
                                          zero_employment="是"),
                  27, "低保边缘户", ("零就业家庭",), 2))
    # 3 低保边缘户 criterion 3: P = 700 <= 863, single parent; no tag.
    c.append(Case("edge3", UNIT_A, _plain(name="张敏", id_number=make_id("19800202", 12, female=True),
                                          household_annual_income="16800", single_parent="是"),
                  28, "低保边缘户", (), 2))
    # 4 意外致困户: P = 1500 <= 1725, accident, (36000 - 24000) / 2 / 12 = 500 <= 575.
    c.append(Case("sudden", UNIT_A, _plain(name="李军", id_number=make_id("19750505", 13),
                                           household_annual_income="36000", main_cause="遭受意外事故",
                                           necessary_expenses_annual="24000"),
                  28, "意外致困户", (), 2))
    # 5 意外致困户 with 大病: P = 43200 / 3 / 12 = 1200, (43200 - 30000) / 36 = 366.67.
    c.append(Case("illness", UNIT_A, _plain(name="周红", id_number=make_id("19760606", 14, female=True),
                                            members=[dict(SPOUSE), dict(SPOUSE, name="母亲乙", relation="母亲",
                                                                       birth_date="1950-01-01", identity="退休")],
                                            household_annual_income="43200", main_cause="重特大疾病",
                                            necessary_expenses_annual="30000"),
                  29, "意外致困户", ("因大病致困家庭",), 3))
    # 6 低保边缘户 (3) with 残疾: worker 肢体残疾, P = 800.
    c.append(Case("disabled", UNIT_A, _plain(name="吴刚", id_number=make_id("19770707", 15),
                                             disability_category="肢体残疾", household_annual_income="19200"),
                  29, "低保边缘户", ("因身体残疾致困家庭",), 2))
    # 7 低保边缘户 (3) with 子女上学: a 高中生, P = 30600 / 3 / 12 = 850.
    c.append(Case("school", UNIT_A, _plain(name="郑芳", id_number=make_id("19780808", 16, female=True),
                                           members=[dict(SPOUSE, name="丈夫丙", sex="男"),
                                                    dict(SPOUSE, name="女儿丁", relation="女", birth_date="2010-03-03",
                                                         identity="高中生", political_status="共青团员")],
                                           household_annual_income="30600"),
                  29, "低保边缘户", ("子女就读高中、大学困难职工家庭",), 3))
    # 8 低保户 with 无住房 (政府廉租房): P = 9600 / 2 / 12 = 400.
    c.append(Case("housing", UNIT_A, _plain(name="孙丽", id_number=make_id("19790909", 17, female=True),
                                            housing_type="政府廉租房", receives_dibao="是",
                                            household_annual_income="9600"),
                  29, "低保户", ("无住房困难职工家庭",), 2))
    # 9 not eligible despite being 下岗: P = 550 < 575 only 3 months, no special reason, no sudden hardship.
    c.append(Case("laidoff_no", UNIT_A, _plain(name="马超", id_number=make_id("19711111", 18),
                                               work_status="下（待）岗", household_annual_income="13200",
                                               months_below_standard="3"),
                  29, None, (), 2))
    # 10 低保户, 下岗 + 零就业: P = 300.
    c.append(Case("laidoff", UNIT_A, _plain(name="何平", id_number=make_id("19721212", 19),
                                            work_status="下（待）岗", main_cause="下岗失业", zero_employment="是",
                                            receives_dibao="是", household_annual_income="7200"),
                  29, "低保户", ("零就业家庭", "下岗失业家庭"), 2))
    # 11 not eligible: P = 2000, far above every cap.
    c.append(Case("rich", UNIT_A, _plain(name="高远", id_number=make_id("19730303", 20),
                                         health="糖尿病", household_annual_income="48000"),
                  29, None, (), 2))
    # 12 the Wang household (低保边缘户 by criterion 3, four tags), overridden to 低保户 by staff.
    c.append(Case("wang_override", UNIT_A, household(), 29, "低保户",
                  ("下岗失业家庭", "因大病致困家庭", "子女就读高中、大学困难职工家庭", "无住房困难职工家庭"), 4,
                  override=("低保户", "已领取临时低保，核实后按低保户统计")))
    # 13 another unit and region: 京山市 S = 500, P = 520 <= 750 with 高血压 -> 低保边缘户 (3); 大学生 child.
    c.append(Case("jingshan", UNIT_B, household(name="黄河", id_number=make_id("19740404", 21), region="京山市",
                                                 household_annual_income="24960", insurance_contrib_annual="0",
                                                 work_status="在岗", housing_type="自建房", main_cause="其他", causes_other="照顾瘫痪老人",
                                                 secondary_causes=None, sudden_hardship="否"),
                  29, "低保边缘户", ("子女就读高中、大学困难职工家庭",), 4))
    return c


CASES: tuple[Case, ...] = tuple(_cases())
ATTACHMENTS = [
    {"file": {"file_id": "AgADBAADr6cxG", "name": "身份证.jpg", "mime": "image/jpeg", "size": 1234,
              "path": "attachments/2026/11/id_front.jpg"}, "type": "身份证", "name": "身份证正面", "note": "正反面"},
    {"file": {"file_id": "BQACAgUAAxkB", "name": "低保证.pdf", "mime": "application/pdf", "size": 4321,
              "path": "attachments/2026/11/dibao.pdf"}, "type": "低保证", "name": "低保证复印件"},
]


def _at(day: int) -> datetime:
    """10:00 in Shanghai on that November 2026 day, as the aware UTC instant the repository stores."""
    return datetime(2026, 11, day, 2, 0, tzinfo=timezone.utc)


def populate(service: IntakeService, cases: tuple[Case, ...] = CASES, *, attachments_for: str = "dibao",
             draft: bool = True) -> dict[str, Interview]:
    """Drive every case through the engine on its day; plus one unfinished draft. Interviews by case key."""
    users = {unit: make_user(service, "surveyor", unit, local_name=f"s-{unit}", name=name)
             for unit, name in ((UNIT_A, "张调查员"), (UNIT_B, "黄调查员"))}
    staff = make_user(service, "staff", UNIT_A, local_name="staff-a", name="李干事")
    out: dict[str, Interview] = {}
    for case in cases:
        plan = dict(case.plan)
        if case.key == attachments_for:
            plan["attachments"] = ATTACHMENTS
        with mock.patch.object(step_values, "utcnow", lambda d=case.day: _at(d)):  # when each step is written
            iid = submit(service, users[case.unit], plan)
        if case.override:
            override(service, iid, category=case.override[0], reason=case.override[1], actor=staff)
        out[case.key] = load(service, iid)
    if draft:
        reply = service.start_interview(user=users[UNIT_A], kind="survey")
        service.handle(user=users[UNIT_A], interview_id=reply.interview_id or 0, inp=Input("text", text="草稿人"))
    return out


def expected_stats(cases: tuple[Case, ...], categories: tuple[str, ...],
                   tags: tuple[str, ...]) -> Iterator[tuple[str, int, int]]:
    """The 附件2 rows (label, 户数, 人数), computed by hand from the case list."""
    counted = [c for c in cases if c.category]
    for cat in categories:
        hit = [c for c in counted if c.category == cat]
        yield cat, len(hit), sum(c.size for c in hit)
    for tag in tags:
        hit = [c for c in counted if tag in c.tags]
        yield tag, len(hit), sum(c.size for c in hit)
    yield "合计", len(counted), sum(c.size for c in counted)
