"""Every button's callback data, built and parsed in one table (aiogram's typed CallbackData is the model).

Two families share Telegram's 64-byte field. A question's buttons carry their interview in front of
the engine's own data (``i<interview>:<seq>:<action>[:<arg>]``, the tail built by flows); the desks'
buttons are ``x:<code>:<field>…``, one entry below per kind. The wire format is what earlier versions
sent, so buttons already in people's chats keep working. Framework-neutral: both runtimes and any
other channel read the same table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from flows.categories import CATEGORY_CHOICES
from storage.queue import DAYS, NO_CATEGORY, QueueFilter

DESK = "x"  # the head of every desk button
FieldValue = Union[int, str]


def is_id(text: str) -> bool:
    """True for a record or Telegram id as the bot writes one: ASCII digits that fit a 64-bit column.

    Callback data and command arguments come from the client; forged data or a mistyped number
    (``x:o:²``, twenty digits) must get an answer, not reach int() or the database.
    """
    return text.isascii() and text.isdigit() and len(text) <= 18


@dataclass(frozen=True)
class Button:
    """One kind of desk button: its name, its prefix and its typed fields (int: an id; str: a word)."""

    name: str
    prefix: str
    fields: tuple[tuple[str, type], ...]

    def data(self, *values: FieldValue) -> str:
        """The callback data for these field values, in the order of ``fields``."""
        if len(values) != len(self.fields):
            raise ValueError(f"{self.name}: {len(self.fields)} fields, {len(values)} values")
        for (name, kind), value in zip(self.fields, values):
            if not isinstance(value, kind) or (kind is str and ":" in str(value)):
                raise ValueError(f"{self.name}.{name}: {value!r}")
        return ":".join((self.prefix, *(str(v) for v in values)))

    def parse(self, data: str) -> Pressed | None:
        """The fields of data of this kind, or None when they are malformed (forged, or from another version)."""
        if not data.startswith(self.prefix + ":"):
            return None
        parts = data[len(self.prefix) + 1:].split(":")
        if len(parts) != len(self.fields):
            return None
        values: dict[str, FieldValue] = {}
        for (name, kind), raw in zip(self.fields, parts):
            if kind is int:
                if not is_id(raw):
                    return None
                values[name] = int(raw)
            else:
                values[name] = raw
        return Pressed(self, values)


@dataclass(frozen=True)
class Pressed:
    """A desk button as pressed: its kind and its checked fields."""

    button: Button
    values: dict[str, FieldValue]

    def id(self, name: str) -> int:
        """An int field."""
        value = self.values[name]
        assert isinstance(value, int)
        return value

    def word(self, name: str) -> str:
        """A str field."""
        return str(self.values[name])


def _desk(name: str, code: str, *fields: tuple[str, type]) -> Button:
    return Button(name, f"{DESK}:{code}", fields)


_ID = ("interview_id", int)
_HOUSEHOLD = ("household_id", int)

OPEN = _desk("open", "o", _ID)  # switch to an interview (drafts, a returned record)
VIEW_OWN = _desk("view_own", "vo", _ID)  # /start after submitting: read one's own record
EDIT_OWN = _desk("edit_own", "eo", _ID)  # … and change it, while staff have not acted on it
START_FORM = _desk("start_form", "sf", ("form", str))  # /new with several forms: begin this one (its key)
# the review desk
REVIEW = _desk("review", "rv", _ID)
APPROVE = _desk("approve", "ra", _ID)
RETURN = _desk("return", "rr", _ID)
DOWNLOAD = _desk("download", "dl", _ID)
TAKE_OVER = _desk("take_over", "to", _ID)
OVERRIDE = _desk("override", "oc", _ID)
OVERRIDE_TO = tuple(_desk(f"override_to_{i}", f"c{i}", _ID) for i in range(4))  # the 困难类别 by index
APPROVE_YES = _desk("approve_yes", "ry", _ID)  # 审核通过 confirmed
ATTACHMENT = _desk("attachment", "af", ("attachment_id", int))  # a record's attachment, sent on a tap
# the review queue: a filter word (queue_word) and a 0-based page
QUEUE = _desk("queue", "q", ("filter", str), ("page", int))
QUEUE_PICK = _desk("queue_pick", "qf", ("filter", str), ("what", str))  # choose one part of the filter
BULK = _desk("bulk", "qb", ("filter", str))  # approve the filtered selection: asks once
BULK_YES = _desk("bulk_yes", "qy", ("filter", str), ("count", int))  # confirmed for this many
# the records desk
EXPORT_KIND = _desk("export_kind", "ef", ("kind", str))
EXPORT_MAKE = _desk("export_make", "eg", ("kind", str), ("scope", str))
CARD = _desk("card", "fh", _HOUSEHOLD)
JOURNAL = _desk("journal", "fj", _HOUSEHOLD)
FOLLOWUP = _desk("followup", "fu", _HOUSEHOLD)
CLOSE = _desk("close", "fc", _HOUSEHOLD)
CLOSE_REASON = _desk("close_reason", "fr", _HOUSEHOLD, ("reason", int))
CLOSE_TODAY = _desk("close_today", "fd", _HOUSEHOLD, ("reason", int))
REOPEN = _desk("reopen", "fo", _HOUSEHOLD)
INVITE_MOVE = _desk("invite_move", "im", ("code", str))  # the person confirms an invite that moves their unit

KINDS: tuple[Button, ...] = (OPEN, VIEW_OWN, EDIT_OWN, START_FORM, REVIEW, APPROVE, RETURN, DOWNLOAD, TAKE_OVER,
                             OVERRIDE, *OVERRIDE_TO, APPROVE_YES, ATTACHMENT, QUEUE, QUEUE_PICK, BULK, BULK_YES,
                             EXPORT_KIND, EXPORT_MAKE, CARD, JOURNAL, FOLLOWUP, CLOSE, CLOSE_REASON, CLOSE_TODAY,
                             REOPEN, INVITE_MOVE)
TABLE: dict[str, Button] = {b.prefix: b for b in KINDS}
if len(TABLE) != len(KINDS):  # pragma: no cover - caught at import by every test
    raise RuntimeError("two button kinds share a prefix")


_STATUS_CODES = {"submitted": "s", "returned": "r", "approved": "a"}


def queue_word(f: QueueFilter) -> str:
    """A queue filter as the word its buttons carry (``-`` for the default): ``sa.c2.u15.d7.w.o``."""
    parts = [] if f.status == "submitted" else [f"s{_STATUS_CODES[f.status]}"]
    if f.category is not None:
        parts.append("c-" if f.category == NO_CATEGORY else f"c{CATEGORY_CHOICES.index(f.category)}")
    if f.author_id is not None:
        parts.append(f"u{f.author_id}")
    if f.days:
        parts.append(f"d{f.days}")
    parts += ["w"] * f.warnings + ["o"] * f.overrides
    return ".".join(parts) or "-"


def parse_queue_word(word: str) -> QueueFilter | None:
    """The filter a queue button carries, or None when the word is malformed (forged, or another version's)."""
    f = QueueFilter()
    statuses = {code: status for status, code in _STATUS_CODES.items()}
    for part in ([] if word == "-" else word.split(".")):
        head, rest = part[:1], part[1:]
        if head == "s" and rest in statuses:
            f = f.but(status=statuses[rest])
        elif head == "c" and rest == "-":
            f = f.but(category=NO_CATEGORY)
        elif head == "c" and is_id(rest) and int(rest) < len(CATEGORY_CHOICES):
            f = f.but(category=CATEGORY_CHOICES[int(rest)])
        elif head == "u" and is_id(rest):
            f = f.but(author_id=int(rest))
        elif head == "d" and is_id(rest.removeprefix("-")) and int(rest.removeprefix("-")) in DAYS:
            f = f.but(days=int(rest))
        elif part == "w":
            f = f.but(warnings=True)
        elif part == "o":
            f = f.but(overrides=True)
        else:
            return None
    return f


def is_desk(data: str) -> bool:
    """True for data of the desk family (known kind or not: the answer is then 'stale button')."""
    return data.startswith(DESK + ":")


def kind_of(data: str) -> Button | None:
    """The desk button kind data names, whether or not its fields are well formed."""
    head, sep, rest = data.partition(":")
    return TABLE.get(f"{head}:{rest.partition(':')[0]}") if sep else None


def parse(data: str) -> Pressed | None:
    """A desk button's kind and fields (None: unknown kind or malformed fields)."""
    kind = kind_of(data)
    return kind.parse(data) if kind is not None else None


@dataclass(frozen=True)
class EngineButton:
    """A question's button: the interview it belongs to, and the engine's own data (``<seq>:<action>…``)."""

    interview_id: int
    data: str

    @property
    def action(self) -> str:
        """The engine's action (``t`` toggle, ``pg`` page …): the field after the sequence number."""
        parts = self.data.split(":")
        return parts[1] if len(parts) > 1 else ""


def engine_data(interview_id: int, data: str) -> str:
    """A question's button bound to its interview."""
    return f"i{interview_id}:{data}"


def parse_engine(data: str) -> EngineButton | None:
    """A question's button, or None when data is not one."""
    head, _, rest = data.partition(":")
    if head.startswith("i") and is_id(head[1:]):
        return EngineButton(int(head[1:]), rest)
    return None
