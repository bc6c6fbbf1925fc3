"""Values the engine takes and gives: inputs, outputs, events, context, step."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Literal, Mapping


@dataclass(frozen=True)
class Input:
    """What a person did: typed text, pressed a button, sent a file, or (re)opened the interview."""

    kind: Literal["text", "button", "file", "start"]
    text: str = ""
    data: str = ""
    file: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Context:
    """What the engine may know of the world; injected so the engine stays pure."""

    today: date
    now: str
    actor_id: str = ""
    actor_name: str = ""
    region_names: tuple[str, ...] = ()
    find_duplicate: Callable[[str], Mapping[str, Any] | None] | None = None
    assess: Callable[[Mapping[str, Any]], Mapping[str, Any] | None] | None = None
    below_standard: Callable[[Mapping[str, Any]], bool | None] | None = None
    name_household: bool = False  # head questions, submit and cancel with the household (not one's own record)


# --- outputs: what to show --------------------------------------------------

@dataclass(frozen=True)
class Button:
    """One button: its label and the data it sends back (``seq:action[:arg]``)."""

    label: str
    data: str


@dataclass(frozen=True)
class Notice:
    """A line of information, a warning, or an error about the last input."""

    text: str
    level: Literal["info", "warning", "error"] = "info"


@dataclass(frozen=True)
class Ask:
    """A question, with everything a renderer needs to show it."""

    path: str
    label: str
    text: str
    progress: tuple[int, int]
    section: str
    buttons: tuple[tuple[Button, ...], ...]
    required: bool
    multi: bool = False
    percent: int = 0  # of the whole form, never lower than shown before (flows.progress)


@dataclass(frozen=True)
class Menu:
    """A question answered by one of a few buttons (group menu, confirmations)."""

    text: str
    buttons: tuple[tuple[Button, ...], ...]
    key: str = ""  # the group key for a group menu, "confirm:<kind>" for a confirmation


@dataclass(frozen=True)
class ReviewItem:
    """One answered field in a review list."""

    index: int
    path: str
    label: str
    display: str


@dataclass(frozen=True)
class Review:
    """All answers so far, by section; ``final`` when it ends in the signature."""

    title: str
    sections: tuple[tuple[str, tuple[ReviewItem, ...]], ...]
    footer: str
    buttons: tuple[tuple[Button, ...], ...]
    final: bool = False
    assessment: Mapping[str, Any] | None = None
    eligibility: bool = True  # whether the form decides eligibility (else no result line)
    contents: tuple[tuple[str, str], ...] = ()  # (section, state): shown instead of every answer when given
    selected: str = ""  # the one section opened: only its answers are shown


@dataclass(frozen=True)
class Completed:
    """The interview was confirmed by the worker and submitted."""

    text: str
    assessment: Mapping[str, Any] | None = None
    eligibility: bool = True


@dataclass(frozen=True)
class Cancelled:
    """The interview was cancelled."""

    text: str


@dataclass(frozen=True)
class OpenOther:
    """The person chose to continue an existing interview instead (duplicate ID)."""

    interview_ref: str
    text: str


@dataclass(frozen=True)
class Answered:
    """The question waited on was answered: its one-line record ("✔ 民族：汉族"), first of the step's outputs.

    A chat that can edit its messages turns the question's message into this line, so the chat
    reads like the filled form; a front end that cannot may print it or leave it out.
    """

    path: str
    text: str


Output = Notice | Ask | Menu | Review | Completed | Cancelled | OpenOther | Answered


# --- events: what to record --------------------------------------------------

@dataclass(frozen=True)
class AnswerChanged:
    """An answer was set, skipped, cleared to be asked again, or removed with its group item."""

    path: str
    old: Any
    new: Any
    action: Literal["set", "skip", "clear", "remove"] = "set"


@dataclass(frozen=True)
class Submitted:
    """The worker confirmed the record."""

    at: str
    signed_by: str
    assign_number: bool = False  # the form has a 职工编号 the system assigns on submission


@dataclass(frozen=True)
class InterviewCancelled:
    """The interview was given up."""

    at: str


Event = AnswerChanged | Submitted | InterviewCancelled


@dataclass(frozen=True)
class Step:
    """The result of one input: the new state, what to show, what to record."""

    state: dict[str, Any]
    outputs: tuple[Output, ...]
    events: tuple[Event, ...] = field(default_factory=tuple)
