"""Bot API calls retried on 429 (honouring retry_after), 5xx and timeouts, with backoff; paced per chat.

Telegram allows about one message a second in a chat (short bursts pass) and answers 429 with a
``retry_after`` when a chat is over it. ``ChatPacer`` keeps both per chat: a 429 holds back that chat's
later calls (from any update) until its retry_after has passed, while other chats go on; and a burst of
more than ``BURST`` (5) calls to one chat for one update is spaced ``SPACING`` apart.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from typing import Awaitable, Callable, TypeVar

from bot.telegram.actions import Action, EditMessage, SendDocument, SendMessage

log = logging.getLogger(__name__)
T = TypeVar("T")

ATTEMPTS = 8
BASE_DELAY = 0.5
MAX_DELAY = 30.0
MAX_RETRY_AFTER = 300.0
# calls to one chat for one update sent at once, the following ones spaced. Telegram lets short bursts pass;
# 5, not 3: a reviewer's approval sends 4-5 (notice, card, next record) and an answer 2, so only a longer
# burst is slowed, and a real overrun is still caught by the 429 hold below.
BURST = 5
SPACING = 1.0  # seconds between those following ones: Telegram's one message per second per chat
CHATS_KEPT = 10_000  # chats whose 429 hold is remembered (expired holds are dropped first)


class Transient(Exception):
    """A Bot API failure worth retrying; ``retry_after`` is the server's wait hint (429), if any."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def backoff_delay(attempt: int) -> float:
    """Exponential backoff with jitter: 0.5 s, 1 s, 2 s … capped at 30 s."""
    delay = min(MAX_DELAY, BASE_DELAY * 2 ** attempt)
    return delay * (0.75 + random.random() / 2)


class ChatPacer:
    """When each chat may be sent to next: a 429's retry_after holds that chat back, and only that chat."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.clock, self.sleep = clock, sleep
        self._held: dict[int, float] = {}  # chat -> the moment (clock) its retry_after ends

    def hold(self, chat: int, retry_after: float) -> None:
        """Telegram said 429 for ``chat``: nothing more to it before ``retry_after`` seconds."""
        now = self.clock()
        self._held[chat] = max(self._held.get(chat, 0.0), now + min(retry_after, MAX_RETRY_AFTER))
        if len(self._held) > CHATS_KEPT:
            for other in [c for c, until in self._held.items() if until <= now] or [next(iter(self._held))]:
                del self._held[other]

    def held_for(self, chat: int) -> float:
        """Seconds ``chat`` must still wait (0 when it may be sent to now)."""
        return max(0.0, self._held.get(chat, 0.0) - self.clock())

    async def wait(self, chat: int, *, spaced_from: float | None = None) -> None:
        """Wait until ``chat`` may be sent to: past its hold, and ``SPACING`` after ``spaced_from`` if given."""
        delay = self.held_for(chat)
        if spaced_from is not None:
            delay = max(delay, spaced_from + SPACING - self.clock())
        if delay > 0:
            await self.sleep(delay)


async def with_retries(call: Callable[[], Awaitable[T]], *, what: str, attempts: int = ATTEMPTS,
                       sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                       pacer: ChatPacer | None = None, chat: int | None = None) -> T:
    """Run ``call``; on Transient wait (retry_after, else backoff) and try again, up to ``attempts``.

    With a ``pacer`` and a ``chat``, a retry_after is recorded as that chat's hold, which every later call
    to the chat (this retry included) waits out, whichever update it belongs to."""
    for attempt in range(attempts):
        try:
            return await call()
        except Transient as exc:
            if attempt == attempts - 1:
                raise
            delay = min(exc.retry_after, MAX_RETRY_AFTER) if exc.retry_after is not None else backoff_delay(attempt)
            log.warning("%s failed (%s); retry %d/%d in %.1f s", what, exc.reason, attempt + 1, attempts - 1, delay)
            if pacer is not None and chat is not None and exc.retry_after is not None:
                pacer.hold(chat, exc.retry_after)
                await pacer.wait(chat)
            else:
                await sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover


def paced_chat(action: Action) -> int | None:
    """The chat whose message rate ``action`` counts against (None: a callback answer, a menu)."""
    return action.chat_id if isinstance(action, (SendMessage, EditMessage, SendDocument)) else None


async def in_lanes(actions: list[Action], pacer: ChatPacer,
                   send: Callable[[Action, int | None], Awaitable[None]]) -> None:
    """``send`` each action: in order within a chat, chats side by side (one chat's wait holds no other back).

    Within a chat the first ``BURST`` go at once, each later one ``SPACING`` after the one before."""
    lanes: dict[int | None, list[Action]] = {}
    for action in actions:
        lanes.setdefault(paced_chat(action), []).append(action)

    async def lane(chat: int | None, items: list[Action]) -> None:
        last: float | None = None
        for n, action in enumerate(items, start=1):
            if chat is not None:
                await pacer.wait(chat, spaced_from=last if n > BURST else None)
            await send(action, chat)
            last = pacer.clock()

    if len(lanes) == 1:
        ((chat, items),) = lanes.items()
        await lane(chat, items)
    else:
        await asyncio.gather(*(lane(chat, items) for chat, items in lanes.items()))
