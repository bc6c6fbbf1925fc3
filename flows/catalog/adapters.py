"""Texts of the adapters: terminal and Telegram (bot.*, tg.*)."""

from __future__ import annotations

from flows.categories import NOT_ELIGIBLE

MESSAGES: dict[str, str] = {
    "tg.review.take_over": "接手并补充帮扶计划",
    "tg.override.button": "✏ 调整困难类别",
    "tg.override.choose": "档案 {ref} 系统认定：{category}。请选择调整后的困难类别（须写明理由，原认定结果会一并保留）：",
    "tg.override.marker": "【调整类别】",
    "tg.override.prompt": "【调整类别】档案#{id}→{category}：请回复本消息写明调整理由（编号 {ref}），例如：补交住院费用票据后复核，自付医疗费 3.2 万元。",
    "tg.override.need_reason": "【调整类别】档案#{id}→{category}：理由太短。请回复本消息写明调整理由（编号 {ref}），例如：补交住院费用票据后复核。",
    "tg.override.done": "档案 {ref} 的困难类别已由“{computed}”调整为“{category}”。理由：{reason}（两者均保留并导出）",
    "tg.review.taken_over": "已接手 {name} 的自填档案（{ref}）。职工已签字确认；请补充帮扶计划等由工作人员填写的部分，完成后提交审核。",
    "bot.assessment_unknown": "认定结果：信息不全，暂无法认定。",
    "bot.assessment_eligible": "{category}（认定标准第{criterion}条）",
    "bot.assessment_not_eligible": NOT_ELIGIBLE,
    "bot.terminal_welcome": "困难城镇职工档案 · 终端填表（输入“帮助”查看命令，Ctrl-D 退出，已填内容随时保存）",
    "bot.terminal_resumed": "继续上次未完成的档案（编号 {ref}）。",
    "bot.terminal_new": "开始新的档案（编号 {ref}）。",
    "bot.terminal_bye": "已保存，下次运行会从当前问题继续。",
    "bot.terminal_buttons": "可选：{labels}",
    "bot.terminal_file_hint": "（终端里：输入文件的完整路径即可上传，例如 /home/user/身份证.jpg）",
    "bot.terminal_no_such_file": "找不到文件“{path}”。请输入文件的完整路径，例如 /home/user/身份证.jpg；不登记这个附件了请输入“返回”。",
    "bot.not_yours": "无权查看这份档案。",
    "tg.menu.start": "开始或继续填表（职工本人填报）",
    "tg.menu.new": "新建一份入户调查（调查员）",
    "tg.menu.drafts": "我的草稿：切换正在填写的档案",
    "tg.menu.review": "审核已提交的档案（工作人员）",
    "tg.menu.cancel": "取消当前填表",
    "tg.menu.help": "使用说明",
    "tg.menu.invite": "生成邀请链接（工作人员）",
    "tg.welcome.worker": (
        "您好！这里是工会困难职工档案填报。接下来会逐项询问您和家庭成员的情况："
        "三口之家约 60 个问题，四口之家约 70 个，大约需要 30 分钟。\n"
        "请先准备好：身份证、户口簿、低保证、残疾证、病历和医疗费票据、收入证明（没有的可以跳过）。\n"
        "每填一项都会立即保存。需要暂停时直接离开即可，回来后发送 /start 从原来的问题继续。\n"
        "可以直接输入答案或点按钮；随时可输入：返回、跳过、查看、取消。"
    ),
    "tg.welcome.surveyor": "您好，调查员！发送 /new 新建一份入户调查，/drafts 查看和切换您的草稿。",
    "tg.welcome.staff": "您好！发送 /review 审核本单位已提交的档案，/invite 生成调查员邀请链接，/new 新建档案。",
    "tg.welcome.admin": "您好，管理员！/review 审核全部档案，/invite 生成邀请链接，/role 设置用户角色，/new 新建档案。",
    "tg.help.worker": (
        "使用说明：\n/start 开始或继续填写您本人的档案\n/cancel 取消当前填表\n"
        "填表时可直接输入答案或点按钮，也可输入：返回、跳过、查看、取消、帮助。\n"
        "附件一步请直接发送照片或文件。"
    ),
    "tg.help.surveyor": (
        "使用说明（调查员）：\n/new 新建一份入户调查\n/drafts 查看和切换草稿（可同时填写多份）\n"
        "/cancel 取消当前档案\n填表时可输入：返回、跳过、查看、取消、帮助。"
    ),
    "tg.help.staff": (
        "使用说明（工作人员）：\n/review 审核本单位已提交的档案（通过或退回）\n"
        "/invite 生成调查员邀请链接\n/new 新建档案，/drafts 查看草稿"
    ),
    "tg.help.admin": (
        "使用说明（管理员）：\n/review 审核全部已提交的档案\n"
        "/invite 调查员|工作人员 [单位] 生成邀请链接\n/role Telegram用户id 角色 [单位] 设置角色\n"
        "/new 新建档案，/drafts 查看草稿"
    ),
    "tg.error": "抱歉，处理这条消息时出错了，已记录。已填写的内容不会丢失，请稍后再试或发送 /start 继续。",
    "tg.saving_delayed": "正在保存，请稍候……您发送的内容没有丢失，保存好后会接着回复您。",
    "tg.kept_after_outage": "刚才服务短暂中断，您上一条发送的内容已经保存。请接着回答：",
    "tg.done_after_outage": "刚才服务短暂中断，您上一条操作已经完成。如果没有看到结果，请再发一次。",
    "tg.private_only": "为保护个人信息，填表只能在与机器人的私聊中进行。请点开机器人头像，私聊发送 /start。",
    "tg.unsupported": "我只能看懂文字、按钮和照片/文件，贴纸、语音、位置等无法识别。请回答当前问题，例如直接输入文字。",
    "tg.too_long": "这条消息太长了（{n} 个字），最多 {max} 个字。请只填写当前问题需要的内容。",
    "tg.stale_button": "这个按钮已经过期了，请使用最新一条消息里的按钮。",
    "tg.no_active": "您当前没有正在填写的档案。发送 /start 开始填写。",
    "tg.no_active_survey": "您当前没有正在填写的档案。发送 /new 新建一份，或 /drafts 查看草稿。",
    "tg.interview_closed": "这份档案当前状态为“{status}”，不能再修改。发送 /start 可查看档案状态；如需更正已提交的档案，请联系工会工作人员。",
    "tg.unknown_command": "没有 {command} 这个命令。发送 /help 查看可用的命令。",
    "tg.denied_new": "只有调查员和工作人员可以为他人新建档案。填写您本人的档案请发送 /start。",
    "tg.denied_staff": "这个命令只有工会工作人员可以使用。",
    "tg.denied_admin": "这个命令只有管理员可以使用。",
    "tg.new_started": "已新建档案 #{id}。",
    "tg.drafts_title": "您有 {n} 份未完成的档案，点选要继续的一份（▶ 为当前档案）：",
    "tg.drafts_item": "{mark}#{id} {name} · {status} · {at}",
    "tg.unnamed": "（未填姓名）",
    "tg.no_unit": "未指定",
    "tg.photo_name": "照片{stamp}",
    "tg.file_not_expected": "现在不需要发送文件。到“附件”一步时再发送照片或文件即可；请先回答当前问题。",
    "tg.file_too_big": "文件太大了，最多 {mb} MB。请拍照发送，或压缩后再发。",
    "tg.file_failed": "文件没有下载成功，请稍后重新发送一次。",
    "tg.status.draft": "草稿",
    "tg.status.submitted": "已提交，待审核",
    "tg.status.approved": "审核通过",
    "tg.status.returned": "退回修改",
    "tg.status.cancelled": "已取消",
    "tg.status.closed": "已关闭",
    "tg.role.worker": "职工",
    "tg.role.surveyor": "调查员",
    "tg.role.staff": "工作人员",
    "tg.role.admin": "管理员",
    "tg.role.usage": "用法：/role Telegram用户id 角色 [单位]，角色为 职工、调查员、工作人员 或 管理员。例如：/role 123456789 调查员 东宝区总工会",
    "tg.role.set": "已将用户 {tg_id} 设为{role}（单位：{unit}）。",
    "tg.invite.created": "邀请链接（{role}，单位：{unit}，{hours} 小时内有效，只能使用一次）：\n{link}",
    "tg.invite.no_username": "邀请码 {code}（请让对方向机器人发送：/start {code}，或打开 https://t.me/机器人用户名?start={code}）",
    "tg.invite.usage": "用法：/invite 角色 [单位]。您可以邀请：{roles}。例如：/invite 调查员",
    "tg.invite.redeemed": "邀请已生效：您现在是{role}（单位：{unit}）。",
    "tg.invite.unknown": "邀请码无效，请核对链接是否完整，或请工作人员重新发送。",
    "tg.invite.used": "这个邀请码已经被使用过了，每个邀请码只能用一次。请向工作人员重新索取。",
    "tg.invite.expired": "这个邀请码已过期。请向工作人员重新索取。",
    "tg.invite.lower": "这个邀请的角色低于您现在的角色（{role}，单位：{unit}），邀请不会降低角色，因此没有使用。您的账号保持不变。",
    "tg.invite.other_unit": "您已是{unit}的{role}。这个邀请会把您调到另一个单位，调动单位只能由管理员办理，因此没有使用。如需调动，请联系管理员。",
    "tg.invite.confirm_move": "这个邀请会把您从“{unit}”调到“{new_unit}”（{role}）。调动后您将看不到原单位的档案。确认调动请点下面的按钮；不调动请忽略本消息。",
    "tg.invite.move_button": "确认调到{unit}",
    "tg.review.none": "目前没有待审核的档案。",
    "tg.review.title": "待审核的档案共 {n} 份，点选查看：",
    "tg.review.item": "{ref} {name} · {category}",
    "tg.review.no_category": NOT_ELIGIBLE,
    "tg.review.detail_title": "档案 {ref} · {name} · {status}",
    "tg.review.approve": "✅ 审核通过",
    "tg.review.return": "↩ 退回修改",
    "tg.review.download": "📄 下载档案文本",
    "tg.review.file_caption": "档案 {ref}",
    "tg.review.not_waiting": "档案 {ref} 当前为“{status}”，不在待审核状态。",
    "tg.review.need_name": "审核人须填写您的真实姓名（不使用 Telegram 昵称），您还没有登记。请直接回复您的姓名，例如：刘伟。登记后档案 {ref} 即审核通过。",
    "tg.review.bad_name": "{error}\n请重新回复您的真实姓名（审核档案 {ref}），例如：刘伟。",
    "tg.review.name_registered": "已登记您的姓名：{name}。以后审核时审核人都记为此姓名。",
    "tg.review.approved": "档案 {ref} 已审核通过，审核人：{name}。",
    "tg.review.approved_notice": "您提交的档案（编号 {ref}）已审核通过。",
    "tg.review.return_marker": "【退回意见】",
    "tg.review.return_prompt": (
        "【退回意见】档案#{id}（编号 {ref}）：请直接发送（或回复本消息）需要修改的项目和原因，"
        "可以写几项，例如：身份证号有误；家庭年度总收入请核对。"
    ),
    "tg.review.need_field": (
        "【退回意见】档案#{id}（编号 {ref}）：意见中没有找到要修改的项目名称。请重新发送，"
        "写明项目名称（写出一部分也可以），例如：身份证号有误，请核对。"
    ),
    "tg.review.returned": "档案 {ref} 已退回修改（{fields}），已通知填表人。",
    "tg.review.returned_reminder": "审核意见：{comment}",
    "tg.review.continue": "继续修改",
}
