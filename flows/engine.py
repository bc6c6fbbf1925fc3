"""The conversation engine: ``advance(form, state, input, ctx) -> Step``. Pure; no I/O."""

from __future__ import annotations

from typing import Any

from flows import prompts
from flows.catalog import t
from flows.form import Field, Form
from flows.offers import offer_for, dependents_of
from flows.outputs import (
    AnswerChanged, Cancelled, Completed, Context, Input, InterviewCancelled, Notice, OpenOther, Output,
    Step, Submitted,
)
from flows.slots import Slot, condition_inputs, drop_value, frontier, get_value, is_done, set_value, slots
from flows.validators import Invalid, validate

STATE_VERSION = 1
COMMANDS = {
    "back": ("返回", "上一步", "上一题", "后退", "/back", "back"),
    "skip": ("跳过", "/skip", "skip", "不填"),
    "review": ("查看", "核对", "/review", "review", "查看已填"),
    "cancel": ("取消", "/cancel", "cancel", "退出", "不填了"),
    "help": ("帮助", "/help", "help", "?", "？", "怎么填"),
    "resume": ("/start", "继续", "/resume"),
}
YES_WORDS = ("对", "是", "是的", "正确", "确认", "确定", "好", "好的", "ok", "OK", "y", "yes", "没错")
NO_WORDS = ("否", "不", "不是", "不对", "no", "n", "算了")
_WORD_TO_COMMAND = {w.lower(): cmd for cmd, words in COMMANDS.items() for w in words}


def new_state(form: Form, *, role: str = "worker") -> dict[str, Any]:
    """A fresh interview state: small, JSON-serialisable, complete."""
    return {
        "v": STATE_VERSION, "form": form.key, "form_version": form.version, "role": role,
        "status": "draft", "answers": {}, "groups_done": [], "flags": {}, "mode": "ask",
        "cursor": None, "cursor_from": None, "pending": None, "multi": None, "page": 0, "seq": 0,
    }


def advance(form: Form, state: dict[str, Any], inp: Input, ctx: Context) -> Step:
    """Apply one input to the state; return the new state, what to show and what to record."""
    run = _Run(form, _copy(state), ctx)
    run.handle(inp)
    return Step(run.st, tuple(run.outputs), tuple(run.events))


def _copy(value: Any) -> Any:
    """A deep copy of a JSON-like value (several times faster than copy.deepcopy)."""
    if type(value) is dict:
        return {k: _copy(v) for k, v in value.items()}
    if type(value) is list:
        return [_copy(v) for v in value]
    return value


def current_path(form: Form, state: dict[str, Any], ctx: Context) -> str | None:
    """The path of the question the interview is waiting on (None at the final review)."""
    slot = _Run(form, state, ctx).current()
    return slot.path if slot else None


class _Run:
    """One application of an input; mutates its own copy of the state."""

    def __init__(self, form: Form, st: dict[str, Any], ctx: Context) -> None:
        self.form, self.st, self.ctx = form, st, ctx
        self.outputs: list[Output] = []
        self.events: list[Any] = []
        self._slots: list[Slot] | None = None
        self._front: tuple[Slot | None] | None = None  # the frontier, until an answer changes

    # --- where we are ---------------------------------------------------
    def all_slots(self) -> list[Slot]:
        if self._slots is None:
            self._slots = slots(self.form, self.st, self.ctx)
        return self._slots

    def invalidate(self) -> None:
        self._slots = None
        self._front = None

    def current(self) -> Slot | None:
        cursor = self.st.get("cursor")
        if cursor:
            for s in self.all_slots():
                if s.path == cursor:
                    return s
            self.st["cursor"] = None
        if self._front is None:
            self._front = (frontier(self.all_slots(), self.st),)
        return self._front[0]

    # --- input dispatch ---------------------------------------------------
    def handle(self, inp: Input) -> None:
        if self.st.get("status") != "draft":
            status = t(f"engine.status.{self.st.get('status', 'submitted')}")
            self.outputs.append(Notice(t("engine.already_done", status=status)))
            return
        if inp.kind == "start":
            self.show()
            return
        if inp.kind == "button":
            self.on_button(inp.data)
            return
        if inp.kind == "file":
            self.on_file(inp.file or {})
            return
        text = (inp.text or "").strip()
        command = _WORD_TO_COMMAND.get(text.lower()) if len(text) <= 12 else None
        if command:
            self.on_command(command)
        else:
            self.on_text(text)

    def on_button(self, data: str) -> None:
        seq, _, rest = (data or "").partition(":")
        if seq != str(self.st["seq"]):
            self.outputs.append(Notice(t("engine.stale_button"), "warning"))
            self.show()
            return
        action, _, arg = rest.partition(":")
        if action in COMMANDS:
            self.on_command(action)
            return
        pending = self.st.get("pending")
        if pending:
            prompts.on_pending_button(self, pending, action, arg)
            return
        if self.st.get("mode") == "review" or self.current() is None:
            prompts.on_review_button(self, action, arg)
            return
        slot = self.current()
        assert slot is not None
        if slot.is_menu:
            prompts.on_group_button(self, slot, action, arg)
            return
        self.on_field_button(slot, action, arg)

    def on_command(self, command: str) -> None:
        if command == "help":
            self.outputs.append(Notice(t("engine.help")))
            self.show()
        elif command == "resume":
            self.show()
        elif command == "cancel":
            self.st["pending"] = {"kind": "cancel"}
            self.show()
        elif command == "review":
            self.st["pending"] = None
            self.st["mode"] = "review"
            self.st["review_section"] = None
            self.show()
        elif command == "back":
            self.go_back()
        elif command == "skip":
            self.skip()

    def on_text(self, text: str) -> None:
        pending = self.st.get("pending")
        if pending:
            prompts.on_pending_text(self, pending, text)
            return
        slot = self.current()
        if self.st.get("mode") == "review" or slot is None:
            prompts.on_review_text(self, text)
            return
        if slot.is_menu:
            prompts.on_group_text(self, slot, text)
            return
        self.answer_text(slot, text)

    def on_file(self, meta: dict[str, Any]) -> None:
        slot = self.current()
        if self.st.get("pending") or self.st.get("mode") == "review" or slot is None or slot.is_menu \
                or slot.field is None or slot.field.type != "file":
            self.outputs.append(Notice(t("engine.unknown_input"), "warning"))
            self.show()
            return
        value = {k: meta.get(k) for k in ("file_id", "name", "mime", "size", "sha256", "path", "kind")}
        self.outputs.append(Notice(t("engine.file_received", name=value.get("name") or "")))
        self.commit(slot, value)

    # --- answering ---------------------------------------------------------
    def field_options(self, slot: Slot) -> dict[str, Any]:
        f = slot.field
        assert f is not None
        opts: dict[str, Any] = dict(f.options)
        if f.type in ("choice", "multi_choice"):
            opts["choices"] = list(self.choices(slot))
        if f.exclude_from:
            excluded = self.st["answers"].get(f.exclude_from)
            opts["exclude"] = [excluded] if excluded else []
        return opts

    def choices(self, slot: Slot) -> tuple[str, ...]:
        f = slot.field
        assert f is not None
        if f.choices_from == "standards":
            return self.ctx.region_names
        if f.exclude_from:
            excluded = self.st["answers"].get(f.exclude_from)
            return tuple(c for c in f.choices if c != excluded)
        return f.choices

    def answer_text(self, slot: Slot, text: str) -> None:
        f = slot.field
        assert f is not None
        offered = offer_for(self, slot)
        if offered is not None and text in YES_WORDS and f.type != "yes_no":
            self.commit(slot, offered[0])
            return
        if f.type == "file":
            self.outputs.append(Notice(t("engine.file_expected"), "error"))
            self.show()
            return
        result = validate(f.type, text, options=self.field_options(slot), today=self.ctx.today)
        if isinstance(result, Invalid):
            self.outputs.append(Notice(result.message, "error"))
            self.show()
            return
        if result.confirm:
            self.st["pending"] = {"kind": "value", "path": slot.path, "value": result.value,
                                  "display": result.display, "message": result.confirm}
            self.show()
            return
        if result.warning:
            self.outputs.append(Notice(t("engine.warning", message=result.warning), "warning"))
        self.commit(slot, result.value)

    def on_field_button(self, slot: Slot, action: str, arg: str) -> None:
        f = slot.field
        assert f is not None
        choices = self.choices(slot)
        # isdecimal, not isdigit: int() refuses digits such as ① and ², which button data may carry
        if action == "c" and arg.isdecimal() and int(arg) < len(choices):
            self.commit(slot, choices[int(arg)])
        elif action == "yn" and arg in ("1", "0"):
            self.commit(slot, arg == "1")
        elif action == "t" and arg.isdecimal() and int(arg) < len(choices):
            selected = list(self.st.get("multi") or [])
            item = choices[int(arg)]
            selected.remove(item) if item in selected else selected.append(item)
            limit = f.options.get("max")
            if limit and len(selected) > int(limit):
                selected.remove(item)
                self.outputs.append(Notice(t("engine.multi_max", max=limit), "warning"))
            self.st["multi"] = [c for c in choices if c in selected]
            self.show()
        elif action == "done":
            selected = list(self.st.get("multi") or [])
            if not selected and f.required:
                self.outputs.append(Notice(t("engine.multi_none"), "error"))
                self.show()
            else:
                self.commit(slot, selected if selected else None, action="set" if selected else "skip")
        elif action == "offer":
            offered = offer_for(self, slot)
            if offered is not None:
                self.commit(slot, offered[0])
            else:
                self.show()
        elif action == "q" and arg.isdecimal() and int(arg) < len(f.quick):
            self.answer_text(slot, f.quick[int(arg)])
        elif action == "keep":
            self.keep(slot)
        elif action == "pg" and arg.isdecimal():
            self.st["page"] = int(arg)
            self.show()
        else:
            self.outputs.append(Notice(t("engine.stale_button"), "warning"))
            self.show()

    def commit(self, slot: Slot, value: Any, *, action: str = "set") -> None:
        """Store an accepted answer, flag mismatches, re-ask what depends on it, move on."""
        f = slot.field
        assert f is not None
        answered, old = get_value(self.st["answers"], slot.path)
        set_value(self.st["answers"], slot.path, value)
        self._front = None
        self.events.append(AnswerChanged(slot.path, old if answered else None, value, action))
        affects_slots = f.key in condition_inputs(self.form)
        self.check_offer_mismatch(slot, value)
        if answered and old != value:
            for dep in dependents_of(self.form, self.st["answers"], slot.path):
                was, dep_old = get_value(self.st["answers"], dep)
                if was:
                    drop_value(self.st["answers"], dep)
                    self.events.append(AnswerChanged(dep, dep_old, None, "clear"))
                    affects_slots = True
        self.st["multi"] = None
        self.st["page"] = 0
        if affects_slots:
            self.invalidate()
        if f.unique and "." not in slot.path and value and self.ctx.find_duplicate:
            dup = self.ctx.find_duplicate(str(value))
            if dup:
                prompts.offer_duplicate(self, dict(dup), str(value))
                return
        self.move_on(slot)

    def move_on(self, slot: Slot) -> None:
        if self.st.get("cursor") and self.st.get("cursor_from") == "back":
            nxt = self.next_slot(slot.path)
            self.st["cursor"] = nxt.path if nxt is not None and is_done(nxt, self.st) else None
        else:
            self.st["cursor"] = None
        if self.st.get("cursor") is None:
            self.st["cursor_from"] = None
        self.show()

    def check_offer_mismatch(self, slot: Slot, value: Any) -> None:
        f = slot.field
        assert f is not None
        flags = self.st.setdefault("flags", {})
        if not f.offer.get("from_id"):
            return
        offered = offer_for(self, slot)
        if offered is not None and value is not None and value != offered[0]:
            msg = t("engine.mismatch_flag", what=f.label, expected=offered[1])
            flags[slot.path] = msg
            self.outputs.append(Notice(t("engine.warning", message=msg), "warning"))
        else:
            flags.pop(slot.path, None)

    def keep(self, slot: Slot) -> None:
        if get_value(self.st["answers"], slot.path)[0]:
            self.move_on(slot)
        else:
            self.show()

    def skip(self) -> None:
        self.st["pending"] = None
        slot = self.current()
        if self.st.get("mode") == "review" or slot is None:
            self.show()
            return
        if slot.is_menu:
            prompts.close_group(self, slot)
            return
        assert slot.field is not None
        if slot.field.required:
            self.outputs.append(Notice(t("engine.cannot_skip", label=slot.field.label), "error"))
            self.show()
            return
        self.commit(slot, None, action="skip")

    def go_back(self) -> None:
        self.st["pending"] = None
        self.st["mode"] = "ask"
        cur = self.current()
        fields = [s for s in self.all_slots() if not s.is_menu]
        if cur is None:
            prev = fields[-1] if fields else None
        else:
            order = [s.path for s in self.all_slots()]
            pos = order.index(cur.path)
            earlier = [s for s in self.all_slots()[:pos] if not s.is_menu]
            prev = earlier[-1] if earlier else None
        if prev is None:
            self.outputs.append(Notice(t("engine.nothing_to_go_back"), "warning"))
        else:
            self.st["cursor"], self.st["cursor_from"] = prev.path, "back"
            self.st["multi"] = None
            self.st["page"] = 0
        self.show()

    def next_slot(self, path: str) -> Slot | None:
        order = self.all_slots()
        for i, s in enumerate(order):
            if s.path == path:
                return order[i + 1] if i + 1 < len(order) else None
        return None

    # --- finishing ---------------------------------------------------------------
    def submit(self) -> None:
        answers = self.st["answers"]
        self.prune_irrelevant()
        found = self.ctx.assess(answers) if self.ctx.assess and self.form.eligibility else None
        assessment = dict(found) if found is not None else None
        if assessment is not None:
            self.st["assessment"] = assessment
        by_surveyor = self.form.signed_by == "surveyor" or self.completing()
        signer = self.ctx.actor_name if by_surveyor else str(answers.get("name") or "")
        if self.completing():  # the worker signed already; staff completed their parts
            self.st["completed"] = {"name": signer, "at": self.ctx.now, "actor": self.ctx.actor_id}
        else:
            self.st["signature"] = {"name": signer, "at": self.ctx.now, "actor": self.ctx.actor_id,
                                    "role": self.form.signed_by}
        self.st["status"] = "submitted"
        self.st["pending"] = None
        numbered = any(f.system == "assigned_on_submit" for _, f in self.form.all_fields())
        self.events.append(Submitted(self.ctx.now, signer, numbered))
        text = t("engine.submitted_surveyor" if by_surveyor else "engine.submitted", name=signer, at=self.ctx.now)
        self.outputs.append(Completed(text, assessment, eligibility=self.form.eligibility))

    def completing(self) -> bool:
        """Staff finishing a record the worker has already signed (a taken-over self-report)."""
        return bool(self.st.get("signature")) and self.st.get("role") != "worker" and \
            self.form.signed_by == "worker" and self.st["signature"].get("role", "worker") == "worker"

    def prune_irrelevant(self) -> None:
        """Drop answers to questions that no longer apply (e.g. after a changed 是/否)."""
        applies = {s.path for s in self.all_slots() if not s.is_menu}
        answers = self.st["answers"]
        for section in self.form.sections:
            if section.group:
                for i, item in enumerate(answers.get(section.key) or []):
                    for key in list(item):
                        path = f"{section.key}.{i}.{key}"
                        if path not in applies:
                            self.events.append(AnswerChanged(path, item.pop(key), None, "clear"))
            else:
                for f in section.fields:
                    if f.key in answers and f.key not in applies:
                        self.events.append(AnswerChanged(f.key, answers.pop(f.key), None, "clear"))
        self.invalidate()

    def cancel(self) -> None:
        self.st["status"] = "cancelled"
        self.st["pending"] = None
        self.events.append(InterviewCancelled(self.ctx.now))
        self.outputs.append(Cancelled(t("engine.cancelled")))

    def open_other(self, interview_id: str, ref: str) -> None:
        self.st["status"] = "cancelled"
        self.st["pending"] = None
        self.events.append(InterviewCancelled(self.ctx.now))
        self.outputs.append(OpenOther(interview_id, t("engine.duplicate_opening", ref=ref)))

    # --- showing -------------------------------------------------------------------
    def show(self) -> None:
        self.st["seq"] = int(self.st.get("seq", 0)) + 1
        prompts.show(self)

    def field_of(self, slot: Slot) -> Field:
        assert slot.field is not None
        return slot.field
