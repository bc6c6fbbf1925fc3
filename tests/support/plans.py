"""Realistic households as answer plans (what a surveyor would type), for driving the real engine."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from flows.autofill import OFFER

WANG: dict[str, Any] = {
    "name": "王建国", "ethnicity": "汉", "political_status": "群众", "id_number": "420802197503141232",
    "sex": OFFER, "birth_date": OFFER, "health": "高血压", "disability_category": "无", "work_status": "下（待）岗",
    "model_worker": "无", "housing_type": "租房", "floor_area": "45.5", "phone": "139 1234 5678",
    "postcode": "448000", "work_start_date": "1995年7月", "industry": "制造业", "marital_status": "已婚",
    "hukou_type": "城镇户口", "address": "荆门市东宝区象山大道1号3栋2单元201室", "employer": "荆门市某某机械厂",
    "employer_type": "国有企业", "enterprise_status": "停产", "single_parent": "否",
    "members": [
        {"name": "李秀英", "relation": "配偶", "political_status": "群众", "id_number": "420802197806120420",
         "sex": OFFER, "birth_date": OFFER, "health": "良好", "monthly_income": "800", "identity": "灵活就业",
         "medical_insurance": "居民医保"},
        {"name": "王小明", "relation": "子", "political_status": "共青团员", "id_number": "420802200309150017",
         "sex": OFFER, "birth_date": OFFER, "health": "良好", "monthly_income": "0", "identity": "大学生",
         "medical_insurance": "居民医保", "employer_or_school": "武汉大学"},
        {"name": "赵桂兰", "relation": "母亲", "political_status": "群众", "sex": "女", "birth_date": "1952-07-10",
         "health": "糖尿病", "monthly_income": "300", "identity": "退休", "medical_insurance": "居民医保"},
    ],
    "monthly_income": "1200", "other_income_annual": "2400", "household_annual_income": OFFER,
    "household_size": OFFER, "region": "东宝区", "medical_insurance": "职工医保", "self_help_ability": "是",
    "zero_employment": "否", "main_cause": "下岗失业", "secondary_causes": "重特大疾病,子女上学",
    "receives_dibao": "否", "insurance_contrib_annual": "1200", "necessary_expenses_annual": "20000",
    "bank_name": "中国工商银行", "bank_branch": "荆门象山支行", "bank_card": "6222021234567890128",
    "attachments": [],
    "relief_target": "是", "relief_target_date": OFFER, "key_groups": "1,3", "five_batches": "1,4",
    "action_plans": "3,6", "action_plans_other": "社区就业岗位推荐", "remarks": "入户核查属实",
    "filed_by": OFFER, "help_unit": "东宝区总工会", "help_person": "李帮扶", "entered_by": OFFER,
}


def plan_value(plan: Mapping[str, Any], path: str) -> Any:
    """The planned answer for a question path (``phone``, ``members.1.name``); None: the plan skips it."""
    parts = path.split(".")
    if len(parts) == 3:
        items = plan.get(parts[0]) or []
        idx = int(parts[1])
        return items[idx].get(parts[2]) if idx < len(items) else None
    return plan.get(path)


def household(**changes: Any) -> dict[str, Any]:
    """A copy of the Wang household with some answers changed."""
    plan = copy.deepcopy(WANG)
    plan.update(changes)
    return plan


def sex_typed(plan: Mapping[str, Any]) -> dict[str, Any]:
    """The plan with every 性别 typed instead of confirmed from the ID number: the one ✔ would confirm
    出生日期 with it (flows.id_offers), so a plan that answers 出生日期 itself types the sex first."""
    out = copy.deepcopy(dict(plan))
    if out.get("sex") == OFFER:
        out["sex"] = "男" if int(str(out["id_number"])[16]) % 2 else "女"
    for m in out.get("members") or []:
        if m.get("sex") == OFFER and m.get("id_number"):
            m["sex"] = "男" if int(str(m["id_number"])[16]) % 2 else "女"
    return out


# A 精准帮扶 follow-up visit (followup.yaml) that finds every guarantee met, and one that does not.
ALL_MET: dict[str, Any] = {
    "followup_date": "2026-11-20", "followup_method": "入户走访", "five_batches": "1,4", "action_plans": "3,6",
    "action_plans_other": "社区公益岗位安置",
    "measures": [
        {"type": "送温暖精准化计划", "name": "春节送温暖慰问金", "date": "2026-01-20", "amount": "800",
         "provider": "东宝区总工会"},
        {"type": "助学帮扶计划", "name": "金秋助学金", "date": "2026年9月", "amount": "3000"},
    ],
    "has_food": "是", "has_clothing": "是", "employment_secured": "是", "medical_secured": "是",
    "education_secured": "是", "social_insurance_secured": "是", "housing_secured": "是",
    "worker_acknowledges": "是", "public_recognition": "是",
    "conclusion": "帮扶措施已落实，两有五保障均已达到，建议按程序办理脱困。", "surveyor": OFFER,
}


def followup_plan(**changes: Any) -> dict[str, Any]:
    """A copy of the all-met follow-up with some answers changed."""
    plan = copy.deepcopy(ALL_MET)
    plan.update(changes)
    return plan


NOT_YET = followup_plan(followup_date="2026-03-10", employment_secured="否",
                        employment_secured_note="本人仍未就业，已推荐参加技能培训", medical_secured="否",
                        medical_secured_note="母亲慢性病自付药费负担重", measures=[],
                        conclusion="就业和就医尚未保障，继续帮扶。")
