"""The one renderer: engine outputs to messages (text + button rows) for every front end."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from flows.catalog import t
from flows.outputs import Answered, Ask, Cancelled, Completed, Menu, Notice, OpenOther, Output, Review

TELEGRAM_LIMIT = 4096
_ICONS = {"error": "❌ ", "warning": "⚠️ ", "info": ""}


@dataclass(frozen=True)
class Message:
    """One message to send: text and rows of (label, callback data)."""

    text: str
    buttons: tuple[tuple[tuple[str, str], ...], ...] = ()


def assessment_text(a: Mapping[str, Any] | None) -> str:
    """The eligibility result in a few Chinese lines."""
    if not a:
        return t("bot.assessment_unknown")
    if a.get("eligible"):
        head = t("bot.assessment_eligible", category=a.get("category"), criterion=a.get("criterion"))
    else:
        head = t("bot.assessment_not_eligible")
    return f"{t('engine.eligibility_title')}{head}\n{a.get('explanation', '')}"


def _rows(buttons: Iterable[Iterable[Any]]) -> tuple[tuple[tuple[str, str], ...], ...]:
    return tuple(tuple((b.label, b.data) for b in row) for row in buttons)


def _review_text(r: Review) -> str:
    """A review: its contents (each section and its state), or the one section opened, or every answer."""
    parts = [r.title]
    if r.contents and not r.selected:
        parts.extend(t("chat.toc_line", n=i, section=s, state=state) for i, (s, state) in enumerate(r.contents, 1))
        parts.append(t("chat.toc_hint"))
    for section, items in r.sections:
        if r.selected and section != r.selected or r.contents and not r.selected:
            continue
        parts.append(f"【{section}】")
        parts.extend(f"{it.index}. {it.label}：{it.display}" for it in items)
    if r.final and r.eligibility:
        parts.append("")
        parts.append(assessment_text(r.assessment))
    parts.append("")
    parts.append(r.footer)
    return "\n".join(parts)


def record_of(outputs: Iterable[Output]) -> str | None:
    """The one-line record ("✔ 民族：汉族") of the question this step answered, if it answered one."""
    return next((o.text for o in outputs if isinstance(o, Answered)), None)


def render(outputs: Iterable[Output]) -> list[Message]:
    """Messages for a list of outputs; notices are put in front of the prompt that follows them.

    An answer's one-line record is not a message: a chat edits the question into it (bot.telegram.live)."""
    messages: list[Message] = []
    pending: list[str] = []
    for out in outputs:
        if isinstance(out, Notice):
            pending.append(_ICONS[out.level] + out.text)
            continue
        if isinstance(out, (Ask, Menu)):
            text, rows = out.text, _rows(out.buttons)
        elif isinstance(out, Review):
            text, rows = _review_text(out), _rows(out.buttons)
        elif isinstance(out, Completed):
            text = out.text + ("\n\n" + assessment_text(out.assessment) if out.eligibility else "")
            rows = ()
        elif isinstance(out, (Cancelled, OpenOther)):
            text, rows = out.text, ()
        else:  # pragma: no cover - every output type is handled above
            continue
        if pending:
            text = "\n".join(pending) + "\n\n" + text
            pending = []
        messages.extend(split_message(Message(text, rows)))
    if pending:
        messages.append(Message("\n".join(pending)))
    return messages


def split_message(msg: Message, limit: int = TELEGRAM_LIMIT) -> list[Message]:
    """Split on line breaks below Telegram's limit; the buttons go with the last part."""
    if len(msg.text) <= limit:
        return [msg]
    parts: list[str] = []
    current = ""
    for line in msg.text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return [Message(p) for p in parts[:-1]] + [Message(parts[-1], msg.buttons)]
