"""Texts of the tidy chat (chat.*): progress, the one-line records answered questions become, the review's contents."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "chat.progress": "第 {n} 部分，共 {total} 部分 · {pct}%",
    "chat.item_progress": " · 第 {n}/{total} 项",
    "chat.record": "✔ {label}：{value}",
    "chat.record_skipped": "✔ {label}：（未填）",
    "chat.state_done": "已填 {n} 项",
    "chat.state_open": "未填 {n} 项",
    "chat.state_none": "无",
    "chat.state_hint": "⚠ 有提示",
    "chat.toc_line": "{n}. {section} · {state}",
    "chat.toc_hint": "点“修改：…”打开一部分查看或更正。",
    "chat.toc_back": "« 返回目录",
    # the review's footer says what to do in the view shown: numbers are typed only inside an opened section
    "chat.footer_section": "更正某一项：点“✏ 序号”，或直接输入序号（如 {example}）；点“« 返回目录”看其他部分。",
    "chat.footer_sign": "以上信息由职工本人核对无误后，请点“确认签字提交”。",
    "chat.footer_sign_surveyor": "核对无误后请点“确认提交”。",
    "chat.footer_blocked": "请先点上面的“✏ 修改”按钮更正，再提交。",
    "chat.footer_continue": "要接着填写，请点“继续填写”。",
}
