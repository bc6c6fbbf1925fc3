"""Which questions apply now, in which order: the form unrolled over the answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping

from flows.conditions import lookup_in
from flows.form import Field, Form, Section
from flows.household import BELOW_STANDARD_READS
from flows.outputs import Context

CAUSE_KEYS = ("main_cause", "secondary_causes")


@dataclass(frozen=True, slots=True)
class Slot:
    """One place in the interview: a field (``members.0.name``) or a group menu (``members``)."""

    path: str
    section: Section
    field: Field | None = None
    group_index: int | None = None

    @property
    def is_menu(self) -> bool:
        """True for the 'add another / done' point of a repeating group."""
        return self.field is None


_ORDER_CACHE: dict[int, tuple[tuple[Field, ...], list[Field]]] = {}


def ordered_fields(fields: tuple[Field, ...]) -> list[Field]:
    """The form's order, with ``ask_after`` fields moved right after their source (memoised per tuple)."""
    cached = _ORDER_CACHE.get(id(fields))
    if cached is not None and cached[0] is fields:
        return cached[1]
    result = _order(fields)
    _ORDER_CACHE[id(fields)] = (fields, result)
    return result


def _order(fields: tuple[Field, ...]) -> list[Field]:
    base = [f for f in fields if not f.ask_after]
    for f in fields:
        if f.ask_after:
            anchor = next((i for i, b in enumerate(base) if b.key == f.ask_after), None)
            if anchor is None:
                base.append(f)
                continue
            pos = anchor + 1
            while pos < len(base) and base[pos].ask_after == f.ask_after:
                pos += 1
            base.insert(pos, f)
    return base


class ComputedNames(Mapping[str, Any]):
    """Names conditions may read that no single field holds; each computed only when read."""

    _NAMES = ("causes", "below_standard")

    def __init__(self, answers: Mapping[str, Any], ctx: Context) -> None:
        self._answers, self._ctx = answers, ctx
        self._values: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._NAMES:
            raise KeyError(name)
        if name not in self._values:
            self._values[name] = self._compute(name)
        return self._values[name]

    def get(self, name: str, default: Any = None) -> Any:  # faster than Mapping.get's try/except
        return self[name] if name in self._NAMES else default

    def __iter__(self) -> Iterator[str]:
        return iter(self._NAMES)

    def __len__(self) -> int:
        return len(self._NAMES)

    def _compute(self, name: str) -> Any:
        answers = self._answers
        if name == "causes":
            causes: list[Any] = [answers["main_cause"]] if answers.get("main_cause") else []
            causes.extend(answers.get("secondary_causes") or [])
            return causes
        return self._ctx.below_standard(answers) if self._ctx.below_standard else None


def computed_names(answers: Mapping[str, Any], ctx: Context) -> Mapping[str, Any]:
    """Names conditions may read that no single field holds (lazily computed)."""
    return ComputedNames(answers, ctx)


def field_applies(f: Field, role: str, scope: Mapping[str, Any], top: Mapping[str, Any],
                  extra: Mapping[str, Any]) -> bool:
    """Asked by this role, and its ``when`` holds."""
    if not f.asked:
        return False
    if f.audience == "staff" and role == "worker":
        return False
    if f.when is None:
        return True
    if scope is top:
        return f.when.holds(lookup_in(top, extra))
    merged = dict(top)
    merged.update(scope)
    return f.when.holds(lookup_in(merged, extra))


class _Plan:
    """What never changes for a form and role: the asked fields in order, and reusable Slot objects."""

    def __init__(self, form: Form, role: str) -> None:
        self.sections: list[tuple[Section, list[Field], list[Slot]]] = []
        self._group_slots: dict[tuple[str, int, str], Slot] = {}
        for section in form.sections:
            fields = section.group.fields if section.group else section.fields
            asked = [f for f in ordered_fields(fields)
                     if f.asked and not (f.audience == "staff" and role == "worker")]
            top_slots = [Slot(f.key, section, f) for f in asked] if section.group is None else \
                [Slot(section.key, section, None)]
            self.sections.append((section, asked, top_slots))
        # What the slot list depends on: the answers conditions read (for a computed name, the answers it is
        # computed from), and how many items each group has.
        top = [f for sec, asked, _ in self.sections if sec.group is None for f in asked]
        self.top_names = _reads(top)
        self.group_names = {sec.key: _reads(asked) for sec, asked, _ in self.sections if sec.group is not None}
        computed_inputs = set(CAUSE_KEYS) | set(BELOW_STANDARD_READS)
        for names in self.group_names.values():  # computed names are worked out from the top-level answers
            self.top_names = tuple(sorted(set(self.top_names) | (set(names) & computed_inputs)))
        self.memo: dict[tuple[Any, ...], list[Slot]] = {}

    def signature(self, answers: Mapping[str, Any], ctx: Context) -> tuple[Any, ...]:
        """Equal for two states that have the same slots (the memo key of ``slots``)."""
        key: list[Any] = [ctx.below_standard]  # one registry's standards table: equal across its contexts
        key.extend(_frozen(answers.get(n)) for n in self.top_names)
        for group, names in self.group_names.items():
            items = answers.get(group) or ()
            key.append(len(items))
            for item in items:
                key.extend(_frozen(item[n] if n in item else answers.get(n)) for n in names)
        return tuple(key)

    def group_slot(self, section: Section, index: int, f: Field) -> Slot:
        """The (cached) slot of a group item's field."""
        key = (section.key, index, f.key)
        slot = self._group_slots.get(key)
        if slot is None:
            slot = self._group_slots[key] = Slot(f"{section.key}.{index}.{f.key}", section, f, index)
        return slot


def _condition_names(fields: Iterable[Field]) -> set[str]:
    """The names the fields' conditions read, with every answer behind a computed name among them."""
    names: set[str] = set()
    for f in fields:
        if f.when is not None:
            names |= f.when.names()
    if "causes" in names:
        names |= set(CAUSE_KEYS)
    if "below_standard" in names:
        names |= set(BELOW_STANDARD_READS)
    return names


def _reads(fields: list[Field]) -> tuple[str, ...]:
    """The answers the fields' conditions read (computed names stand for the answers behind them)."""
    return tuple(sorted(_condition_names(fields) - set(ComputedNames._NAMES)))  # noqa: SLF001


def _frozen(value: Any) -> Any:
    """A hashable stand-in for an answer: lists and dicts become tuples, and True, 1 and 1.0 stay apart."""
    if value is None or type(value) is str:
        return value
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    return (type(value).__name__, value)


_PLANS: dict[tuple[int, str], tuple[Form, _Plan]] = {}


def _plan(form: Form, role: str) -> _Plan:
    cached = _PLANS.get((id(form), role))
    if cached is not None and cached[0] is form:
        return cached[1]
    plan = _Plan(form, role)
    _PLANS[(id(form), role)] = (form, plan)
    return plan


MEMO_SIZE = 4096


def slots(form: Form, state: Mapping[str, Any], ctx: Context) -> list[Slot]:
    """Every slot that applies now, in interview order (a shared list: do not change it).

    Interviews whose conditions read the same values have the same slots, so the list is
    remembered by those values (a bounded memo per form and role).
    """
    answers: Mapping[str, Any] = state["answers"]
    plan = _plan(form, state.get("role", "worker"))
    key = plan.signature(answers, ctx)
    found = plan.memo.get(key)
    if found is None:
        if len(plan.memo) >= MEMO_SIZE:
            plan.memo.clear()
        found = plan.memo[key] = _unroll(plan, answers, ctx)
    return found


def _unroll(plan: _Plan, answers: Mapping[str, Any], ctx: Context) -> list[Slot]:
    extra = computed_names(answers, ctx)
    top_lookup = lookup_in(answers, extra)
    out: list[Slot] = []
    for section, asked, top_slots in plan.sections:
        if section.group is None:
            for f, slot in zip(asked, top_slots):
                if f.when is None or f.when.holds(top_lookup):
                    out.append(slot)
            continue
        if not asked:
            continue
        for i, item in enumerate(answers.get(section.key) or ()):
            item_lookup = lookup_in({**answers, **item}, extra)
            for f in asked:
                if f.when is None or f.when.holds(item_lookup):
                    out.append(plan.group_slot(section, i, f))
        out.append(top_slots[0])
    return out


def get_value(answers: Mapping[str, Any], path: str) -> tuple[bool, Any]:
    """(answered?, value) at a path like ``name`` or ``members.0.name``."""
    parts = path.split(".")
    if len(parts) == 1:
        return (path in answers, answers.get(path))
    group, idx, key = parts[0], int(parts[1]), parts[2]
    items = answers.get(group) or []
    if idx >= len(items):
        return (False, None)
    return (key in items[idx], items[idx].get(key))


def set_value(answers: dict[str, Any], path: str, value: Any) -> None:
    """Store a value at a path (the state is copied by the caller)."""
    parts = path.split(".")
    if len(parts) == 1:
        answers[path] = value
        return
    answers[parts[0]][int(parts[1])][parts[2]] = value


def drop_value(answers: dict[str, Any], path: str) -> None:
    """Forget an answer so that it is asked again."""
    parts = path.split(".")
    if len(parts) == 1:
        answers.pop(path, None)
    else:
        items = answers.get(parts[0]) or []
        if int(parts[1]) < len(items):
            items[int(parts[1])].pop(parts[2], None)


def scope_of(answers: Mapping[str, Any], path: str) -> Mapping[str, Any]:
    """The answers a field sees as its neighbours: the group item, or the top level."""
    parts = path.split(".")
    if len(parts) == 1:
        return answers
    items = answers.get(parts[0]) or []
    idx = int(parts[1])
    return items[idx] if idx < len(items) else {}


def is_done(slot: Slot, state: Mapping[str, Any]) -> bool:
    """A field is done once answered or skipped; a group menu once closed."""
    f = slot.field
    if f is None:
        return slot.path in state.get("groups_done", [])
    answers = state["answers"]
    if slot.group_index is None:
        return f.key in answers
    items = answers.get(slot.section.key) or ()
    return slot.group_index < len(items) and f.key in items[slot.group_index]


_DEPENDENCY_CACHE: dict[int, tuple[Form, frozenset[str]]] = {}


def condition_inputs(form: Form) -> frozenset[str]:
    """Keys whose change can change which questions apply (memoised per form)."""
    cached = _DEPENDENCY_CACHE.get(id(form))
    if cached is not None and cached[0] is form:
        return cached[1]
    result = frozenset(_condition_names(f for _, f in form.all_fields()))
    _DEPENDENCY_CACHE[id(form)] = (form, result)
    return result


def frontier(all_slots: list[Slot], state: Mapping[str, Any]) -> Slot | None:
    """The first slot not yet done, or None when everything is answered."""
    for s in all_slots:
        if not is_done(s, state):
            return s
    return None
