"""Texts of the household checked against itself (check.*, flows/consistency.py)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "check.worker": "职工本人",
    "check.member": "第 {n} 位家庭成员（{name}）",
    "check.member_unnamed": "第 {n} 位家庭成员",
    "check.member_id_same": (
        "{who}的身份证号 {masked} 与职工本人的相同。每个人的身份证号都不一样，"
        "请改为这位成员本人的身份证号（未办身份证的儿童可跳过）。"),
    "check.member_id_twice": (
        "{who}的身份证号 {masked} 与{other}的相同。每个人的身份证号都不一样，"
        "请核对后修改其中一位的身份证号（未办身份证的儿童可跳过）。"),
    "check.worker_id_member": (
        "职工本人的身份证号 {masked} 与{other}的相同。请输入职工本人的身份证号，或修改{other}的身份证号。"),
    "check.child_older": (
        "{who}的关系是“{relation}”，出生日期 {birth}，却比职工本人（{worker_birth}）出生得还早。"
        "请核对关系或出生日期，在核对页选择该项修改（或输入“返回”）。"),
    "check.child_too_close": (
        "{who}的关系是“{relation}”，出生日期 {birth}，职工本人出生于 {worker_birth}，只相差 {gap} 岁。"
        "请核对关系或出生日期，在核对页选择该项修改（或输入“返回”）。"),
    "check.parent_too_close": (
        "{who}的关系是“{relation}”，出生日期 {birth}，职工本人出生于 {worker_birth}，"
        "{relation}只比职工本人大 {gap} 岁。请核对关系或出生日期，在核对页选择该项修改（或输入“返回”）。"),
    "check.spouse_minor": (
        "{who}的关系是“配偶”，出生日期 {birth}，现在只有 {age} 岁，不满 {min_age} 岁。"
        "请核对关系或出生日期，在核对页选择该项修改（或输入“返回”）。"),
    "check.student_age": (
        "{who}的身份是“{identity}”，出生日期 {birth}，现在已 {age} 岁（超过 {max_age} 岁）。"
        "请核对身份或出生日期，在核对页选择该项修改（或输入“返回”）。"),
    "check.household_size": (
        "家庭人口填的是 {size} 人，但登记了 {members} 位家庭成员，加上职工本人共 {total} 人。"
        "如有成员没有登记，请在“家庭主要成员”中添加；如家庭人口填错了，请在核对页把“家庭人口”改为 {total}。"),
    "check.birth_id": (
        "{who}的出生日期填的是 {birth}，身份证号 {masked} 中的出生日期是 {id_birth}。"
        "请核对后在核对页修改出生日期或身份证号（或输入“返回”）。"),
    "check.sex_id": (
        "{who}的性别填的是“{sex}”，按身份证号 {masked} 应为“{id_sex}”。"
        "请核对后在核对页修改性别或身份证号（或输入“返回”）。"),
    # the final review, the submit, and the record as staff read it
    "check.review_title": "⚠️ 核对提示（{n} 条），请逐条核对：",
    "check.review_item": "{n}. {message}",
    "check.review_refused": "❌ 以下问题必须先修改，才能签字提交：",
    "check.review_warned": "以上提示不影响提交：核对无误的可以直接签字提交，提示会随档案一并保存，供审核人查看。",
    "check.fix_button": "✏ 修改：{label}",
    "check.blocked": "还不能签字提交：{message}\n请点“修改”按钮改正后再签字提交。",
    "check.stored_title": "⚠️ 核对提示（提交时 {n} 条）：",
}
