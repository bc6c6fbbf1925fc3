"""Pacing per chat (bot.telegram.delivery): a 429's retry_after holds back that chat only, whichever update sends
to it next; a burst of more than BURST messages to one chat for one update is spaced SPACING apart."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.telegram import delivery
from bot.telegram.actions import Action, AnswerCallback, EditMessage, SendMessage
from bot.telegram.delivery import ChatPacer, Transient, in_lanes, with_retries

A, B = 101, 202


class Clocked:
    """Performs actions, noting when each went out; ``limited`` chats answer 429 (retry_after) once."""

    def __init__(self, limited: dict[int, float] | None = None) -> None:
        self.start = time.monotonic()
        self.sent: list[tuple[float, Action]] = []
        self.limited = dict(limited or {})

    async def send(self, pacer: ChatPacer, action: Action, chat: int | None) -> None:
        async def perform() -> None:
            if chat in self.limited:
                raise Transient("429", self.limited.pop(chat))
            self.sent.append((time.monotonic() - self.start, action))
        await with_retries(perform, what="send", pacer=pacer, chat=chat)

    def at(self, chat: int) -> list[float]:
        return [when for when, a in self.sent if getattr(a, "chat_id", None) == chat]

    async def deliver(self, pacer: ChatPacer, actions: list[Action]) -> None:
        await in_lanes(actions, pacer, lambda a, chat: self.send(pacer, a, chat))


def test_a_429_holds_back_its_chat_only_and_its_retry_after_is_honoured() -> None:
    io, pacer = Clocked(limited={A: 0.6}), ChatPacer()
    actions: list[Action] = [SendMessage(A, "a1"), SendMessage(B, "b1"), AnswerCallback("cb"), SendMessage(B, "b2"),
                             SendMessage(A, "a2")]
    asyncio.run(io.deliver(pacer, actions))
    assert [getattr(a, "text", "") for _, a in io.sent if getattr(a, "chat_id", None) == A] == ["a1", "a2"]
    assert min(io.at(A)) >= 0.55, "retry_after honoured for A"
    assert max(io.at(B)) < 0.3, "B is not held back by A's 429"


def test_a_hold_carries_over_to_the_next_update_for_that_chat() -> None:
    pacer = ChatPacer()
    first = Clocked(limited={A: 0.5})
    asyncio.run(first.deliver(pacer, [SendMessage(A, "x")]))
    pacer.hold(A, 0.5)  # a second 429 just now, say from another person's update to this chat
    later = Clocked()
    asyncio.run(later.deliver(pacer, [SendMessage(B, "b"), EditMessage(A, 7, "y")]))
    assert later.at(A)[0] >= 0.45 and later.at(B)[0] < 0.2


def test_a_burst_for_one_update_is_spaced_after_the_first_few(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(delivery, "SPACING", 0.25)
    burst = delivery.BURST
    io, pacer = Clocked(), ChatPacer()
    asyncio.run(io.deliver(pacer, [SendMessage(A, str(i)) for i in range(burst + 2)] + [SendMessage(B, "b")]))
    times = io.at(A)
    assert times[burst - 1] - times[0] < 0.1, "a short burst goes at once"
    gaps = [b - a for a, b in zip(times[burst - 1:], times[burst:])]
    assert all(g >= 0.24 for g in gaps) and len(gaps) == 2, gaps
    assert io.at(B)[0] < 0.1


def test_two_answers_of_a_person_are_not_slowed() -> None:
    """An answer is one edit (its record) and one send (the next question): never spaced."""
    io, pacer = Clocked(), ChatPacer()
    asyncio.run(io.deliver(pacer, [EditMessage(A, 1, "✔"), SendMessage(A, "q2")]))
    asyncio.run(io.deliver(pacer, [EditMessage(A, 2, "✔"), SendMessage(A, "q3")]))
    assert max(io.at(A)) < 0.1
