"""What a desk (records, staff, uploads, exports, the daily delivery) may use of the bot: a small protocol.

BotCore satisfies it; the desks import only this, so they never import the core (no import circle),
and a second channel can hand them anything with these members.
"""

from __future__ import annotations

from typing import Any, Callable, Protocol
from zoneinfo import ZoneInfo

from bot.service import IntakeService, Reply
from bot.settings import Settings
from bot.telegram.actions import Action, BotIO, Incoming
from flows.outputs import Input
from storage.models import Interview, User


class DeskContext(Protocol):
    """The service, the settings and the few bot operations the desks need."""

    service: IntakeService
    settings: Settings
    tz: ZoneInfo
    bot_username: str

    def user(self, inc: Incoming) -> User:
        """The person behind an update."""

    def claim(self, inc: Incoming) -> bool:
        """Mark a non-answer update applied before acting on it (False: it was already)."""

    def once(self, inc: Incoming, act: Callable[[], list[Action]]) -> list[Action]:
        """Claim the update first (at most once), then act."""

    def seen(self, update_id: int) -> bool:
        """True when this update was applied before."""

    def load(self, interview_id: int) -> Interview | None:
        """One interview."""

    def active_interview(self, user: User) -> Interview | None:
        """The interview the user's next message answers."""

    def open_interview(self, chat_id: int, user: User, interview_id: int) -> list[Action]:
        """Switch to an interview and show its current question (or why not)."""

    def show(self, chat_id: int, reply: Reply) -> list[Action]:
        """An engine reply as messages whose buttons are bound to its interview."""

    def apply(self, inc: Incoming, user: User, chat: int, interview_id: int, inp: Input,
              attachment: dict[str, Any] | None = None) -> list[Action]:
        """Advance the interview with this input (the update recorded in the answer's transaction)."""

    async def deliver(self, actions: list[Action], io: BotIO, *, update_id: int) -> None:
        """Perform actions in order, each retried (prompts that expect a reply are remembered)."""
