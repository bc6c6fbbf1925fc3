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
}
