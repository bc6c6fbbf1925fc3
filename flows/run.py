"""``Run``: one application of an input to an interview, the value every engine step works on.

A run holds the form, its own copy of the state, the context, and what the step has produced so
far (outputs and events). It knows where the interview is (slots, the current question, the
choices on offer) but neither shows nor answers anything: ``flows.show`` and ``flows.answer``
do that, and import this module, never the other way round.
"""

from __future__ import annotations

from typing import Any

from flows.catalog import t
from flows.field_types import takes_choices
from flows.form import Field, Form
from flows.outputs import Button, Context, Output
from flows.slots import Slot, frontier, slots


class Run:
    """One application of an input; mutates its own copy of the state."""

    def __init__(self, form: Form, st: dict[str, Any], ctx: Context) -> None:
        self.form, self.st, self.ctx = form, st, ctx
        self.outputs: list[Output] = []
        self.events: list[Any] = []
        self._slots: list[Slot] | None = None
        self._front: tuple[Slot | None] | None = None  # the frontier, until an answer changes

    def headed(self, text: str) -> str:
        """Text with the household in front (“陈国华 · …”) when the person works on someone else's record."""
        name = self.st.get("answers", {}).get("name") if self.ctx.name_household else None
        return t("journey.household_head", name=name, text=text) if isinstance(name, str) and name else text

    # --- where we are ---------------------------------------------------
    def all_slots(self) -> list[Slot]:
        """Every question and group menu that applies now, in interview order (memoised)."""
        if self._slots is None:
            self._slots = slots(self.form, self.st, self.ctx)
        return self._slots

    def invalidate(self) -> None:
        """Forget the slots: an answer changed which questions apply."""
        self._slots = None
        self._front = None

    def answered(self) -> None:
        """Forget the frontier only: an answer was stored, the questions that apply are the same."""
        self._front = None

    def current(self) -> Slot | None:
        """The slot the interview waits on: the cursor if set, else the first unanswered one."""
        cursor = self.st.get("cursor")
        if cursor:
            for s in self.all_slots():
                if s.path == cursor:
                    return s
            self.st["cursor"] = None
        if self._front is None:
            self._front = (frontier(self.all_slots(), self.st),)
        return self._front[0]

    def slot_at(self, path: str) -> Slot:
        """The slot of ``path``; KeyError when it does not apply now."""
        for s in self.all_slots():
            if s.path == path:
                return s
        raise KeyError(path)

    def next_slot(self, path: str) -> Slot | None:
        """The slot after ``path`` in interview order, or None."""
        order = self.all_slots()
        for i, s in enumerate(order):
            if s.path == path:
                return order[i + 1] if i + 1 < len(order) else None
        return None

    # --- what a question offers -------------------------------------------
    def choices(self, slot: Slot) -> tuple[str, ...]:
        """The options of a choice question, numbered as on the paper form (an excluded one keeps its place)."""
        f = self.field_of(slot)
        if f.choices_from == "standards":
            return self.ctx.region_names
        return f.choices

    def hidden(self, slot: Slot) -> frozenset[str]:
        """Options not offered now (the main cause, at the secondary causes): not shown, refused if typed."""
        f = self.field_of(slot)
        if f.exclude_from:
            excluded = self.st["answers"].get(f.exclude_from)
            return frozenset((excluded,)) if excluded else frozenset()
        return frozenset()

    def field_options(self, slot: Slot) -> dict[str, Any]:
        """The parser options of a question: the form's, plus the choices and exclusions of now."""
        f = self.field_of(slot)
        opts: dict[str, Any] = dict(f.options)
        if takes_choices(f.type):
            opts["choices"] = list(self.choices(slot))
        if f.exclude_from:
            excluded = self.st["answers"].get(f.exclude_from)
            opts["exclude"] = [excluded] if excluded else []
            opts["exclude_label"] = self.form.field(f.exclude_from).label
        return opts

    def field_of(self, slot: Slot) -> Field:
        """The field of a question slot (never called for a group menu)."""
        assert slot.field is not None
        return slot.field

    # --- who is finishing ---------------------------------------------------
    def completing(self) -> bool:
        """Staff finishing a record the worker has already signed (a taken-over self-report)."""
        return bool(self.st.get("signature")) and self.st.get("role") != "worker" and \
            self.form.signed_by == "worker" and self.st["signature"].get("role", "worker") == "worker"

    def by_surveyor(self) -> bool:
        """True when the surveyor, not the worker, confirms this record."""
        return self.form.signed_by == "surveyor" or self.completing()

    # --- buttons -------------------------------------------------------------
    def button(self, label: str, action: str) -> Button:
        """A button whose data carry the prompt's sequence number, so a stale press is recognised."""
        return Button(label, f"{self.st['seq']}:{action}")
