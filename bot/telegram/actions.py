"""Framework-neutral values: an incoming update, and the actions the bot asks a runtime to perform."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from bot.render import Message
from bot.telegram.buttons import engine_data

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
class SharedContact:
    """A contact a person shared (the 手机号码 button shares their own, with their user id)."""

    phone: str
    user_id: int | None = None
    name: str = ""


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
    reply_to_id: int | None = None  # id of the message this one replies to
    file: FileInfo | None = None
    other: str | None = None  # sticker, voice, location …: content the bot cannot read
    contact: SharedContact | None = None
    media_group_id: str | None = None  # one photo of an album: Telegram sends each as its own update, sharing it

    @property
    def full_name(self) -> str:
        """First and last name as Telegram has them."""
        return " ".join(p for p in (self.first_name, self.last_name) if p).strip()


@dataclass(frozen=True)
class Expect:
    """What a typed reply to a prompt answers; stored with the prompt when it is sent (storage.pending)."""

    kind: str  # return_comment, override_reason, close_date, reopen_reason
    interview_id: int
    user_id: int  # the person the prompt is for
    payload: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Live:
    """A sent message that shows an interview's question: kept as the chat's live question (storage.pending)."""

    interview_id: int
    key: str  # which prompt it shows (bot.telegram.live.prompt_key): the same prompt again is edited in place
    user_id: int = 0


@dataclass(frozen=True)
class SendMessage:
    """Send text with inline button rows (or a force-reply prompt); ``expects``: it waits for a typed reply;
    ``live``: it shows the interview's current question, to be edited into its record once answered."""

    chat_id: int
    text: str
    buttons: Rows = ()
    force_reply: bool = False
    expects: Expect | None = None
    contact_button: str = ""  # a reply keyboard with one request_contact button of this label (no inline rows)
    remove_keyboard: bool = False  # takes a reply keyboard (the contact button) off the screen (no inline rows)
    live: Live | None = None


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


@dataclass(frozen=True)
class SetMenu:
    """setMyCommands for one private chat (BotCommandScopeChat): the menu of that person's role."""

    chat_id: int
    commands: tuple[tuple[str, str], ...]


Action = SendMessage | EditMessage | AnswerCallback | SendDocument | SetMenu


class BotIO(Protocol):
    """What a runtime offers the core: perform an action, download a file (both may raise Transient)."""

    async def perform(self, action: Action) -> int | None:
        """Carry out one action with the framework's Bot object; the id of the message it sent, if any."""

    async def download(self, file_id: str) -> bytes:
        """getFile, then fetch {root}/file/bot{token}/{path}."""


def bind(messages: list[Message], chat_id: int, interview_id: int | None) -> list[Action]:
    """Rendered messages as sends; engine buttons carry their interview (``i<id>:<seq>:<action>``)."""
    out: list[Action] = []
    for msg in messages:
        rows = msg.buttons
        if interview_id is not None:
            rows = tuple(tuple((label, engine_data(interview_id, data)) for label, data in row) for row in rows)
        out.append(SendMessage(chat_id, msg.text, rows))
    return out


OTHER_KINDS = ("sticker", "voice", "video_note", "video", "audio", "animation", "location", "venue", "contact",
               "poll", "dice", "game")


def _str(value: Any) -> str:
    return str(getattr(value, "value", value) or "")


def _clean(value: str | None) -> str | None:
    """Text as the database can store it: PostgreSQL refuses NUL in text (DataError on every later update)."""
    return value.replace("\x00", "") if value else value


def incoming_from(update: Any) -> Incoming | None:
    """The neutral view of an update of either library (None for kinds the bot ignores).

    aiogram and python-telegram-bot both mirror the Bot API's field names, so one reading serves both.
    """
    if update.message is not None:
        m = update.message
        user = m.from_user
        file: FileInfo | None = None
        if m.photo:
            p = m.photo[-1]  # Telegram lists sizes smallest first
            file = FileInfo(p.file_id, p.file_unique_id, "photo", "", "image/jpeg", p.file_size or 0)
        elif m.document is not None:
            d = m.document
            file = FileInfo(d.file_id, d.file_unique_id, "document", _clean(d.file_name) or "",
                            _clean(d.mime_type) or "",
                            d.file_size or 0)
        text = _clean(m.text if m.text is not None else m.caption)
        other = next((k for k in OTHER_KINDS if getattr(m, k, None) is not None), None)
        c = getattr(m, "contact", None)
        contact = SharedContact(_clean(c.phone_number) or "", c.user_id, _clean(c.first_name) or "") \
            if c is not None else None
        reply_to = _clean(m.reply_to_message.text) if m.reply_to_message is not None else None
        reply_to_id = m.reply_to_message.message_id if m.reply_to_message is not None else None
        return Incoming(update_id=update.update_id, user_id=user.id if user else None,
                        first_name=_clean(user.first_name) or "" if user else "",
                        last_name=_clean(user.last_name) or "" if user else "",
                        chat_id=m.chat.id, chat_type=_str(m.chat.type), text=text, reply_to_text=reply_to,
                        reply_to_id=reply_to_id, file=file, other=other, contact=contact,
                        media_group_id=_clean(getattr(m, "media_group_id", None)))
    if update.callback_query is not None:
        cq = update.callback_query
        msg = cq.message
        return Incoming(update_id=update.update_id, user_id=cq.from_user.id,
                        first_name=_clean(cq.from_user.first_name) or "",
                        last_name=_clean(cq.from_user.last_name) or "",
                        chat_id=msg.chat.id if msg is not None else cq.from_user.id,
                        chat_type=_str(msg.chat.type) if msg is not None else "private",
                        callback_id=cq.id, callback_data=_clean(cq.data) or "",
                        message_id=msg.message_id if msg is not None else None)
    return None
