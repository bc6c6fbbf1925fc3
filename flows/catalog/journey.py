"""Texts of the journey around the interview (journey.*): whose record it is, before and after, menus by role."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # whose record it is (surveyors and staff work on several households)
    "journey.household_head": "{name} · {text}",
    "journey.unnamed": "未填姓名的档案 #{id}",
    "journey.switched": "已切换到：{household}。接下来的回答都记入这份档案。",
    "journey.returned_notice": (
        "{household}（编号 {ref}）被退回修改。\n"
        "需要修改：{fields}\n原因（审核人 {reviewer}）：{comment}\n"
        "您正在填写的档案不受影响；要修改这一份，请点“继续修改”。"
    ),
    "journey.other_record_button": (
        "这个按钮属于 {household}，不是您正在填写的档案（{active}）。"
        "要改填那一份，请先点下面的按钮切换。"
    ),
    "journey.switch_to": "切换到 {household}",
    # before and after
    "journey.status": "您的档案（编号 {ref}）当前状态：{status}。\n{next}",
    "journey.next.submitted": "工会工作人员会审核这份档案；审核通过或需要修改时，都会在这里发消息通知您。",
    "journey.next.approved": "档案已审核通过，已进入困难职工档案。如有变化，请联系工会工作人员。",
    "journey.next.closed": "这户已办理脱困，档案已归入脱困档案库。如有困难，请联系工会工作人员。",
    "journey.view": "查看",
    "journey.edit": "修改",
    "journey.edit_opened": "好的，档案已退回到您手中修改（暂不审核）。改好后请再次“确认签字提交”。",
    "journey.edit_too_late": "档案当前为“{status}”，工作人员已经处理，不能再自行修改。如需更正，请联系工会工作人员。",
    "journey.returned_fields": "工作人员退回了这份档案，需要修改：{fields}\n原因：{comment}",
}
