"""Texts of the review queue and the review card (queue.*)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # the list
    "queue.title": "{status}{n} 份{filters}（第 {page}/{pages} 页），点选查看：",
    "queue.none": "没有符合条件的档案{filters}。",
    "queue.status.submitted": "待审核 ",
    "queue.status.returned": "已退回 ",
    "queue.status.approved": "已通过 ",
    "queue.filters": "；筛选：{parts}",
    "queue.item": "{ref} {name} · {category}{marks}",
    "queue.mark.warnings": " ⚠",
    "queue.mark.override": " ✏",
    "queue.prev": "⬅ 上一页",
    "queue.next": "下一页 ➡",
    "queue.pick.category": "困难类别",
    "queue.pick.author": "填表人",
    "queue.pick.days": "提交日期",
    "queue.pick.status": "状态",
    "queue.pick.warnings": "⚠ 有核对提示",
    "queue.pick.overrides": "✏ 有类别调整",
    "queue.pick.clear": "清除筛选",
    "queue.pick.any": "不限",
    "queue.pick.choose": "请选择{what}：",
    "queue.pick.author_item": "{name}（{n} 份）",
    "queue.days.1": "今天",
    "queue.days.7": "近7天",
    "queue.days.30": "近30天",
    "queue.days.-30": "30天以前",
    "queue.part.category": "困难类别={value}",
    "queue.part.author": "填表人={value}",
    "queue.part.days": "提交={value}",
    "queue.part.warnings": "有核对提示",
    "queue.part.overrides": "有类别调整",
    "queue.bulk": "✅ 全部审核通过（{n} 份）",
    # approving
    "queue.confirm": "确认审核通过档案 {ref}（{name}，{category}）？通过后即进入台账。",
    "queue.confirm_self": (
        "⚠ 该档案的帮扶计划由您本人填写（建档人 = 审核人）。您是管理员，可以审核通过，"
        "但此情况会记入档案和审计日志。确认审核通过档案 {ref}（{name}）？"
    ),
    "queue.confirm_button": "确认通过",
    "queue.cancel_button": "取消",
    "queue.self_denied": (
        "档案 {ref} 的帮扶计划由您本人填写，按照审核与填写分离的要求，您不能审核通过。"
        "请由本单位其他工作人员审核。"
    ),
    "queue.next_title": "下一份待审核档案：",
    "queue.all_done": "没有其他待审核的档案了。",
    "queue.bulk_confirm": "确认将以下筛选结果全部审核通过吗？共 {n} 份{filters}。审核人：{name}。",
    "queue.bulk_button": "确认通过这 {n} 份",
    "queue.bulk_none": "筛选结果中没有您可以审核通过的档案{filters}。",
    "queue.bulk_changed": "筛选结果已有变化（确认时 {was} 份，现在 {now} 份），请重新确认。",
    "queue.bulk_need_name": "批量审核前须先登记您的真实姓名：请先审核通过一份档案（会请您回复姓名），再批量审核。",
    "queue.bulk_done": "已审核通过 {n} 份档案，审核人：{name}。",
    "queue.bulk_skipped": "另有 {n} 份未通过（已被他人处理，或由您本人填写帮扶计划）：{refs}",
    # the card
    "queue.card.category": "困难类别（系统认定）：{computed}",
    "queue.card.override": "困难类别（人工调整）：{category}\n调整理由：{reason}（调整人：{who}）",
    "queue.card.self_approval": "⚠ 建档人与审核人为同一人（{name}，管理员审核，{at}）",
    "queue.card.attachments": "附件 {n} 份，点按钮查看。",
    "queue.card.attachment": "📎 {name}",
    "queue.card.attachment_gone": "附件“{name}”的文件已不在服务器上，请联系管理员。",
    "queue.card.returned": "【上次退回】{at} {who}：{comment}",
    "queue.card.changes": "【退回后的修改】共 {n} 项：",
    "queue.card.change": "· {label}：{old} → {new}（{who}，{at}）",
    "queue.card.no_changes": "【退回后的修改】没有修改任何项目。",
    "queue.someone": "（未知）",
    # 修改记录's review part
    "queue.history.title": "【审核记录】",
    "queue.history.returned": "{at} {who}：退回修改（{fields}），意见：{comment}",
    "queue.history.approved": "{at} 审核通过，审核人：{who}",
    # returning
    "queue.returned_unnotified": "档案 {ref} 已退回修改（{fields}）。填表人没有 Telegram 账号，无法通知，请另行告知。",
}
