"""Bot API calls retried on 429 (honouring retry_after), 5xx and timeouts, with backoff."""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Awaitable, Callable, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

ATTEMPTS = 8
BASE_DELAY = 0.5
MAX_DELAY = 30.0
MAX_RETRY_AFTER = 300.0


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


async def with_retries(call: Callable[[], Awaitable[T]], *, what: str, attempts: int = ATTEMPTS,
                       sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> T:
    """Run ``call``; on Transient wait (retry_after, else backoff) and try again, up to ``attempts``."""
    for attempt in range(attempts):
        try:
            return await call()
        except Transient as exc:
            if attempt == attempts - 1:
                raise
            delay = min(exc.retry_after, MAX_RETRY_AFTER) if exc.retry_after is not None else backoff_delay(attempt)
            log.warning("%s failed (%s); retry %d/%d in %.1f s", what, exc.reason, attempt + 1, attempts - 1, delay)
            await sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover
