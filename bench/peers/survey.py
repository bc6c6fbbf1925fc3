"""The peers' survey: the first 40 questions of intake's archive form (labels and choice buttons).

A peer asks question ``seq % 40`` (a user whose script is longer than 40 answers starts a second
round), shows the choices of a choice question as an inline keyboard, and stores every answer as
its own row (user, seq, question, text): after the run the store must hold exactly the answers fed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from flows.registry import load_registry

QUESTIONS = 40
DONE = "OK"


@dataclass(frozen=True)
class Question:
    """One question as a peer shows it."""

    key: str
    label: str
    choices: tuple[str, ...]


@lru_cache(maxsize=1)
def survey() -> tuple[Question, ...]:
    """40 questions a person answers (system-filled fields left out), in the form's order."""
    form = load_registry().form("archive")
    out: list[Question] = []
    for _section, field in form.all_fields():
        if field.system or field.key in {q.key for q in out}:
            continue
        out.append(Question(field.key, field.label, tuple(field.choices)))
        if len(out) == QUESTIONS:
            break
    return tuple(out)


def prompt(seq: int) -> Question:
    """The question a peer asks after ``seq`` answers."""
    return survey()[seq % QUESTIONS]


def expected_counts(items: list[tuple[int, str]]) -> Counter[int]:
    """Answers per user in a feed: every message except /start."""
    return Counter(uid for uid, txt in items if txt != "/start")


def check_stored(stored: dict[int, int], items: list[tuple[int, str]], peer: str) -> None:
    """A peer's rate counts only if its store holds every answer it was fed."""
    want = expected_counts(items)
    lost = sum(max(0, n - stored.get(uid, 0)) for uid, n in want.items())
    extra = sum(max(0, stored.get(uid, 0) - n) for uid, n in want.items())
    if lost or extra:
        raise RuntimeError(f"{peer}: {lost} answers missing and {extra} extra in its store of "
                           f"{sum(want.values())}: the rate would not be honest")
