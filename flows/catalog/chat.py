"""Texts of the tidy chat (chat.*): progress, the one-line records answered questions become, the review's contents."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "chat.progress": "第 {n} 部分，共 {total} 部分 · {pct}%",
    "chat.item_progress": " · 第 {n}/{total} 项",
    "chat.record": "✔ {label}：{value}",
    "chat.record_skipped": "✔ {label}：（未填）",
}
