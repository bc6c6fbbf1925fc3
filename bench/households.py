"""Synthetic but realistic households for the benchmark: answer plans with varied values."""

from __future__ import annotations

import random
from typing import Any

from flows.autofill import OFFER
from flows.validators import id_check_digit

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "建国秀英小明桂兰志强丽华海燕国庆红梅军伟芳敏静磊洋勇艳杰娟涛明超霞平刚"
REGIONS = ("东宝区", "掇刀区（荆门高新区）", "漳河新区", "京山市", "沙洋县", "钟祥市", "屈家岭管理区")
CAUSES = ("无劳动能力", "有劳动能力而未就业", "下岗失业", "未参加社会保险", "社会保险待遇落实不到位",
          "重特大疾病", "遭受自然灾害", "遭受意外事故", "子女上学", "其他")


def id_number(rng: random.Random, year: int, serial: int) -> str:
    """A valid 18-digit ID number (GB 11643 check digit) for a birth year."""
    body = f"420802{year:04d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{serial % 1000:03d}"
    return body + id_check_digit(body)


def name(rng: random.Random) -> str:
    """A Chinese name."""
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def plan(i: int, *, members: int | None = None, seed: int = 7) -> dict[str, Any]:
    """The i-th benchmark household as an answer plan (what a surveyor would type)."""
    rng = random.Random(seed * 1_000_003 + i)
    n = members if members is not None else rng.choice((1, 2, 2, 2, 3, 3, 4))
    main = rng.choice(CAUSES)
    secondary = [c for c in rng.sample(CAUSES, 3) if c != main][:2]
    return {
        "name": name(rng), "ethnicity": "汉族", "political_status": "群众",
        "id_number": id_number(rng, rng.randint(1960, 1995), i), "sex": OFFER, "birth_date": OFFER,
        "health": rng.choice(("良好", "良好", "高血压", "糖尿病")), "disability_category": "无",
        "work_status": rng.choice(("在岗", "下（待）岗", "病休", "内退")), "model_worker": "无",
        "housing_type": rng.choice(("自建房", "商品房", "租房", "政府廉租房")), "phone": f"139{rng.randint(0, 99999999):08d}",
        "work_start_date": f"{rng.randint(1980, 2015)}-0{rng.randint(1, 9)}", "industry": "制造业",
        "marital_status": "已婚", "hukou_type": "城镇户口", "address": f"荆门市东宝区象山大道{rng.randint(1, 999)}号",
        "employer": "荆门市某某机械厂", "employer_type": "国有企业", "enterprise_status": "正常",
        "single_parent": rng.choice(("是", "否", "否", "否")),
        "members": [{"name": name(rng), "relation": rng.choice(("配偶", "子", "女", "母亲")), "political_status": "群众",
                     "id_number": id_number(rng, rng.randint(1950, 2010), i * 7 + k), "sex": OFFER, "birth_date": OFFER,
                     "health": rng.choice(("良好", "良好", "肢体残疾")), "monthly_income": str(rng.choice((0, 300, 800, 1500))),
                     "identity": rng.choice(("在职职工", "退休", "高中生", "大学生", "灵活就业")),
                     "medical_insurance": "居民医保"} for k in range(n)],
        "monthly_income": str(rng.choice((0, 600, 1200, 1800))), "other_income_annual": str(rng.choice((0, 1200, 2400))),
        "household_annual_income": OFFER, "household_size": OFFER, "region": rng.choice(REGIONS),
        "medical_insurance": "职工医保", "zero_employment": rng.choice(("是", "否", "否")),
        "main_cause": main, "secondary_causes": ",".join(secondary) if secondary else None,
        "causes_other": "照顾瘫痪老人",  # asked only when 其他 is among the causes
        "receives_dibao": rng.choice(("是", "否", "否")), "insurance_contrib_annual": str(rng.choice((0, 600, 1200))),
        "months_below_standard": str(rng.choice((3, 6, 12))), "sudden_hardship": rng.choice(("是", "否")),
        "necessary_expenses_annual": str(rng.choice((0, 5000, 30000))),
        "bank_name": "中国工商银行", "bank_branch": "荆门象山支行", "bank_card": "6222021234567890128",
        "relief_target": "是", "relief_target_date": OFFER, "key_groups": "1", "five_batches": "1",
        "action_plans": "1", "filed_by": OFFER, "entered_by": OFFER,
    }
