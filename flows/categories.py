"""The 困难类别 and reason names of the 认定标准, once: stored on records, counted in 附件2, printed on 附件1;
with the 致困原因, the 脱困 reasons and the seed form's option values the decision reads."""

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
# 致困原因 of the seed form, numbered 1–10 as the 认定标准 counts them (stored by their text).
CAUSES: tuple[str, ...] = ("无劳动能力", "有劳动能力而未就业", "下岗失业", "未参加社会保险", "社会保险待遇落实不到位",
                           "重特大疾病", "遭受自然灾害", "遭受意外事故", REASON_SCHOOL, REASON_OTHER)
SUDDEN_BY_CAUSE: Mapping[int, str] = {n: CAUSES[n - 1] for n in (6, 7, 8)}  # 重特大疾病, 遭受自然灾害, 遭受意外事故
SUDDEN_DECLARED = "遭受突发事件、意外伤害或重大疾病"

# The seed form's option values the decision reads.
STUDENT_IDENTITIES: tuple[str, ...] = ("高中生", "大学生")  # the 身份 that count as 子女上学 (标准第3条)
NO_DISABILITY: tuple[str, ...] = ("", "无")  # what 残疾类别 holds when the worker has none
DEFAULT_WORK_STATUS = "在岗"  # the first 工作状态 option: what an unanswered question means
DEFAULT_HOUSING = "自建房"  # the first 住房类型 option

# Why a household leaves the archive (脱困), as the staff choose it; 其他 needs a written note.
CLOSE_REASONS: tuple[str, ...] = ("就业增收", "纳入低保兜底后稳定", "子女毕业就业", REASON_OTHER)
