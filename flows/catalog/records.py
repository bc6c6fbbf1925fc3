"""Texts of the staff records desk (rec.*)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "rec.menu.export": "导出台账、统计表、公示名单（工作人员）",
    "rec.menu.find": "查找档案：姓名、身份证号或职工编号",
    "rec.menu.followup": "开始一次精准帮扶回访",
    "rec.menu.candidates": "建议脱困的家庭（工作人员）",
    "rec.menu.notice": "本单位公示名单（工作人员）",
    "rec.help.surveyor": (
        "/find 姓名|身份证号|后6位|职工编号 查找档案\n/followup 姓名或编号 开始精准帮扶回访"
    ),
    "rec.help.staff": (
        "/export 导出电子台账、CSV、附件1（PDF/HTML）、附件2 统计表、公示名单或脱困档案库\n"
        "/find 姓名|身份证号|后6位|职工编号 查找档案：回访、档案、修改记录、标记脱困、返贫\n"
        "/followup 姓名或编号 开始精准帮扶回访\n/candidates 建议脱困的家庭\n/notice 本单位公示名单\n"
        "/unit 单位设置（填报单位全称、联系人、联系电话、公示期）\n"
        "如已开启每日推送，每天定时收到本单位当天新提交和修改的台账及统计表。"
    ),
    "rec.help.admin": (
        "/export 导出（可选全部单位）\n/find 查找档案：回访、档案、修改记录、标记脱困、返贫\n"
        "/followup 姓名或编号 开始回访\n/candidates 建议脱困的家庭\n/notice 单位名称 公示名单\n"
        "/unit [单位名称] 单位设置（填报单位全称、联系人、联系电话、公示期）"
    ),
    "rec.find.denied": "只有调查员、工会工作人员和管理员可以查找档案和回访。",
    "rec.find.usage": "用法：/find 姓名、18位身份证号、身份证号后6位或职工编号，例如：/find 王建国 或 /find 141232",
    "rec.find.pick": "点选一户查看档案和可办理的事项：",
    "rec.find.item": "{n}. {name}（编号 {ref}）",
    "rec.followup.usage": "用法：/followup 姓名、身份证号后6位或职工编号，例如：/followup 王建国",
    "rec.followup.pick": "找到 {n} 户，请点选要回访的一户：",
    "rec.followup.item": "回访：{name}（编号 {ref}）",
    "rec.candidates.item": "{name}（编号 {ref}）",
    "rec.btn.followup": "回访",
    "rec.btn.card": "档案",
    "rec.btn.journal": "修改记录",
    "rec.btn.close": "标记脱困",
    "rec.btn.reopen": "返贫",
    "rec.close.choose_reason": "请选择 {name}（编号 {ref}）的脱困原因：",
    "rec.close.marker": "【办理脱困】",
    "rec.close.prompt": (
        "【办理脱困】档案#{id} {name}（编号 {ref}），原因：{reason}。\n"
        "脱困日期为今天（{today}）的，点“按今天办理”；其他日期请回复本消息，写上日期，"
        "例如：2026-11-01（日期后可写备注）。"
    ),
    "rec.close.prompt_other": (
        "【办理脱困】档案#{id} {name}（编号 {ref}），原因：{reason}。\n"
        "请回复本消息写明具体原因；脱困日期不是今天的，写在最前面，例如：2026-11-01 家庭成员病愈后恢复就业。"
    ),
    "rec.close.today": "按今天办理（{today}）",
    "rec.close.need_date": "请在回复的最前面写上脱困日期，例如：2026-11-01；按今天办理请点“按今天办理”。",
    "rec.reopen.marker": "【办理返贫】",
    "rec.reopen.prompt": (
        "【办理返贫】档案#{id} {name}（编号 {ref}）：请回复本消息写明返贫原因；日期不是今天的，写在最前面，"
        "例如：2026-11-20 再次失业，家庭收入低于低保标准。"
    ),
    "rec.bad_date": "日期“{value}”不存在，请按 年-月-日 填写，例如：2026-11-01。",
    "rec.export.denied": "只有工会工作人员和管理员可以导出档案。调查员和职工不能导出；需要台账或统计表请联系本单位工会工作人员。",
    "rec.export.no_unit": "您的账号还没有设置所属单位，无法导出本单位档案。请联系管理员设置，例如：/role 您的用户id 工作人员 东宝区总工会",
    "rec.export.scope_denied": "您只能导出本单位的档案。请重新发送 /export 选择范围。",
    "rec.export.notice_needs_unit": "公示名单按单位生成。请发送 /notice 单位名称，例如：/notice 东宝区总工会",
    "rec.export.choose_format": "请选择要导出的内容：",
    "rec.export.choose_scope": "{kind}：请选择范围",
    "rec.export.kind.xlsx": "电子台账 XLSX",
    "rec.export.kind.csv": "CSV",
    "rec.export.kind.pdf": "附件1 打印版 PDF",
    "rec.export.kind.html": "附件1 HTML",
    "rec.export.kind.stats": "附件2 统计表",
    "rec.export.kind.notice": "公示名单",
    "rec.export.kind.closed": "脱困档案库",
    "rec.export.file.xlsx": "电子台账",
    "rec.export.file.csv": "电子台账",
    "rec.export.file.pdf": "附件1",
    "rec.export.file.html": "附件1",
    "rec.export.file.stats": "附件2统计表",
    "rec.export.file.notice": "公示名单",
    "rec.export.file.closed": "脱困档案库",
    "rec.export.scope.u": "本单位",
    "rec.export.scope.a": "全部单位",
    "rec.export.period.t": "今天",
    "rec.export.period.m": "本月",
    "rec.export.period.a": "全部时间",
    "rec.export.scope_label": "{unit}·{period}",
    "rec.export.working": "正在生成“{kind}”（{scope}），请稍候……",
    "rec.export.caption": "{kind}（{scope}）：{rows} 户",
    "rec.export.empty": "“{kind}”（{scope}）：没有符合条件的档案，未生成文件。",
    "rec.export.too_big": "文件“{name}”有 {mb} MB，超过 Telegram 50 MB 的上限。请缩小范围（如“本月”或“今天”）后再导出。",
    "rec.export.failed": "导出失败：{error}",
    "rec.export.interrupted": "上次的导出“{kind}”（{scope}）没有完成（程序中途停止），未生成文件。请重新发送 /export",
    "rec.export.interrupted_was": "“{kind}”（{scope}）没有生成完成：程序中途停止。请重新发送 /export",
    "rec.notice.caption": "{unit}公示名单（{fmt}）：{rows} 户",
    "rec.notice.no_pdf": "PDF 版暂时无法生成，请打印 XLSX 版。",
}
