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
    order = run.all_slots()
    keys: list[str] = []
    by_section: dict[str, list[Slot]] = {}
    for s in order:
        if s.section.key not in by_section:
            keys.append(s.section.key)
            by_section[s.section.key] = []
        by_section[s.section.key].append(s)
    total = max(1, len(keys))
    if slot is None:
        run.st["pct"] = 100
        return Progress(total, total, 100)
    n = keys.index(slot.section.key) + 1 if slot.section.key in by_section else total
    # sections before the current one count whole only when done: a question left open there (after 返回) counts too
    done = sum(_share(run, by_section[k]) for k in keys)
    computed = min(99, int(100 * done / total))
    shown = max(computed, int(run.st.get("pct") or 0))
    shown = min(shown, 99)
    run.st["pct"] = shown
    item_n = item_total = 0
    if slot.group_index is not None:
        fields = [s for s in by_section.get(slot.section.key, ()) if s.group_index == slot.group_index and not s.is_menu]
        paths = [s.path for s in fields]
        item_total = len(paths)
        item_n = paths.index(slot.path) + 1 if slot.path in paths else item_total
    return Progress(n, total, shown, item_n, item_total)


def _share(run: Run, section_slots: list[Slot]) -> float:
    """How much of one section is done, 0 … 1."""
    first = section_slots[0]
    if first.section.group is not None:
        menu = next((s for s in section_slots if s.is_menu), None)
        if menu is not None and is_done(menu, run.st):
            return 1.0
        items = run.st["answers"].get(first.section.key) or []
        finished = sum(1 for i in range(len(items)) if all(
            is_done(s, run.st) for s in section_slots if s.group_index == i and not s.is_menu))
        return finished / (finished + 1)
    fields = [s for s in section_slots if not s.is_menu]
    if not fields:
        return 1.0
    return sum(1 for s in fields if is_done(s, run.st)) / len(fields)
