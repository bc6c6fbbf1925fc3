"""Where the interview is, as a person can read it: section n of N and a percentage.

Counting questions made the counter grow as it was answered (37 → 38 → 49 → 60 → 64): every
conditional question and every family member added questions. Sections are fixed by the form, so
"第 3 部分，共 9 部分" does not move when an answer opens follow-up questions. Inside a section the
share done is its answered questions over those that apply now; a repeating group (family
members) counts each finished item as one step, done/(done + 1), so adding a member never makes
the figure jump, and the item has its own small counter ("第 2 位家庭成员 · 3/9").

The percentage shown is never lower than one shown before in the same interview (kept in the
state as ``pct``): an answer that opens follow-up questions lowers the share of its own section,
never what the person already saw.
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.run import Run
from flows.slots import Slot, is_done


@dataclass(frozen=True)
class Progress:
    """Section ``n`` of ``total``, ``percent`` of the form done; in a group item, question ``item_n`` of ``item_total``."""

    n: int
    total: int
    percent: int
    item_n: int = 0
    item_total: int = 0


def progress(run: Run, slot: Slot | None) -> Progress:
    """The progress at ``slot`` (None: everything answered); records the percentage shown in the state."""
    shares: dict[str, _Share] = {}  # per section, in form order: one pass over the slots (this runs every answer)
    st = run.st
    item_paths: list[str] = []
    for s in run.all_slots():
        key = s.section.key
        share = shares.get(key)
        if share is None:
            share = shares[key] = _Share(s.section.group is not None, len(st["answers"].get(key) or ()))
        share.add(s, is_done(s, st))
        if slot is not None and s.group_index is not None and s.group_index == slot.group_index \
                and key == slot.section.key and not s.is_menu:
            item_paths.append(s.path)
    keys = list(shares)
    total = max(1, len(keys))
    if slot is None:
        st["pct"] = 100
        return Progress(total, total, 100)
    n = keys.index(slot.section.key) + 1 if slot.section.key in shares else total
    # sections before the current one count whole only when done: a question left open there (after 返回) counts too
    done = sum(share.value() for share in shares.values())
    computed = min(99, int(100 * done / total))
    shown = min(max(computed, int(st.get("pct") or 0)), 99)
    st["pct"] = shown
    item_n = item_total = 0
    if slot.group_index is not None:
        item_total = len(item_paths)
        item_n = item_paths.index(slot.path) + 1 if slot.path in item_paths else item_total
    return Progress(n, total, shown, item_n, item_total)


class _Share:
    """How much of one section is done, 0 … 1, gathered slot by slot.

    A plain section: its answered questions over those that apply now (no questions: done). A repeating
    group: done once its menu is closed, else each finished item is one step, finished/(finished + 1).
    """

    __slots__ = ("group", "count", "fields", "answered", "menu", "items")

    def __init__(self, group: bool, count: int) -> None:
        self.group, self.count = group, count  # count: the group's items in the answers
        self.fields = self.answered = 0
        self.menu: bool | None = None  # the section's (first) menu: closed or not
        self.items: dict[int, bool] = {}  # group item → all of its questions done

    def add(self, s: Slot, done: bool) -> None:
        if s.is_menu:
            if self.menu is None:
                self.menu = done
            return
        if self.group and s.group_index is not None:
            self.items[s.group_index] = self.items.get(s.group_index, True) and done
            return
        self.fields += 1
        self.answered += done

    def value(self) -> float:
        if self.group:
            if self.menu:
                return 1.0
            finished = sum(1 for i in range(self.count) if self.items.get(i, True))
            return finished / (finished + 1)
        return self.answered / self.fields if self.fields else 1.0
