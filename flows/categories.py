"""The 困难类别 and reason names of the 认定标准, once: stored on records, counted in 附件2, printed on 附件1."""

from __future__ import annotations

from collections.abc import Mapping

CATEGORY_DIBAO = "低保户"
CATEGORY_EDGE = "低保边缘户"
CATEGORY_SUDDEN = "意外致困户"
CATEGORIES: tuple[str, ...] = (CATEGORY_DIBAO, CATEGORY_EDGE, CATEGORY_SUDDEN)  # 附件2 rows 1–3, in table order
NOT_ELIGIBLE = "不符合认定标准"  # the result when no criterion holds (a record's category is then empty)
CATEGORY_CHOICES: tuple[str, ...] = (*CATEGORIES, NOT_ELIGIBLE)  # what staff may set a category to by hand
CATEGORY_BY_CRITERION: Mapping[int, str] = {1: CATEGORY_EDGE, 2: CATEGORY_DIBAO, 3: CATEGORY_EDGE, 4: CATEGORY_SUDDEN}

# The special reasons of 认定标准第3条 and the sudden hardships of 第4条.
REASON_ILLNESS = "患病"
REASON_SCHOOL = "子女上学"
REASON_DISABILITY = "残疾"
REASON_SINGLE_PARENT = "单亲"
REASON_OTHER = "其他"
SUDDEN_BY_CAUSE: Mapping[int, str] = {6: "重特大疾病", 7: "遭受自然灾害", 8: "遭受意外事故"}
SUDDEN_DECLARED = "遭受突发事件、意外伤害或重大疾病"
