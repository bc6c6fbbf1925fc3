"""Framework-neutral values: an incoming update, and the actions the bot asks a runtime to perform."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from bot.render import Message

Rows = tuple[tuple[tuple[str, str], ...], ...]  # button rows of (label, callback data)


@dataclass(frozen=True)
class FileInfo:
    """A photo (largest size) or document a person sent."""

    file_id: str
    unique_id: str
    kind: Literal["photo", "document"]
    name: str = ""
    mime: str = ""
    size: int = 0


@dataclass(frozen=True)
class Incoming:
    """One Telegram update, reduced to what the bot reads; built by each runtime."""

    update_id: int
    user_id: int | None = None
    first_name: str = ""
    last_name: str = ""
    chat_id: int | None = None
    chat_type: str = ""
    text: str | None = None
    callback_id: str | None = None
    callback_data: str | None = None
    message_id: int | None = None  # the bot message a pressed button belongs to
    reply_to_text: str | None = None  # text of the bot message this one replies to
    file: FileInfo | None = None
    other: str | None = None  # sticker, voice, location …: content the bot cannot read

    @property
    def full_name(self) -> str:
        """First and last name as Telegram has them."""
        return " ".join(p for p in (self.first_name, self.last_name) if p).strip()


@dataclass(frozen=True)
class SendMessage:
    """Send text with inline button rows (or a force-reply prompt)."""

    chat_id: int
    text: str
    buttons: Rows = ()
    force_reply: bool = False


@dataclass(frozen=True)
class EditMessage:
    """Replace a message's text and buttons; ``text`` None edits the buttons only (empty rows remove them)."""

    chat_id: int
    message_id: int
    text: str | None
    buttons: Rows = ()


@dataclass(frozen=True)
class AnswerCallback:
    """Stop a pressed button's spinner, optionally with a short notice."""

    callback_id: str
    text: str = ""
    alert: bool = False


@dataclass(frozen=True)
class SendDocument:
    """Upload a file to a chat."""

    chat_id: int
    filename: str
    data: bytes
    caption: str = ""


Action = SendMessage | EditMessage | AnswerCallback | SendDocument


class BotIO(Protocol):
    """What a runtime offers the core: perform an action, download a file (both may raise Transient)."""

    async def perform(self, action: Action) -> None:
        """Carry out one action with the framework's Bot object."""

    async def download(self, file_id: str) -> bytes:
        """getFile, then fetch {root}/file/bot{token}/{path}."""


def bind(messages: list[Message], chat_id: int, interview_id: int | None) -> list[Action]:
    """Rendered messages as sends; engine buttons carry their interview (``i<id>:<seq>:<action>``)."""
    out: list[Action] = []
    for msg in messages:
        rows = msg.buttons
        if interview_id is not None:
            rows = tuple(tuple((label, f"i{interview_id}:{data}") for label, data in row) for row in rows)
        out.append(SendMessage(chat_id, msg.text, rows))
    return out
