"""A tiny, safe language for a field's ``when``: ``a == 是 and b in [x, y]``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from flows.catalog import t
from flows.lexicon import NO_TEXT, YES_TEXT

_TOKEN = re.compile(r"\s*(\[|\]|,|==|!=|'[^']*'|\"[^\"]*\"|[^\s\[\],=!]+)")
_OPS = ("==", "!=", "in", "has", "has_any")


class ConditionError(ValueError):
    """A condition that cannot be parsed; the message says how to write it."""


@dataclass(frozen=True)
class Condition:
    """A parsed condition: an ``or`` of ``and`` groups of comparisons."""

    any_of: tuple[tuple[tuple[bool, str, str, Any], ...], ...]

    def names(self) -> set[str]:
        """Field names the condition reads."""
        return {c[1] for group in self.any_of for c in group}

    def holds(self, lookup: Callable[[str], Any]) -> bool:
        """Evaluate with ``lookup(name)`` giving the current value of a name."""
        return any(all(_compare(neg, lookup(name), op, val) for neg, name, op, val in group)
                   for group in self.any_of)


def parse_condition(text: str) -> Condition:
    """Parse ``name op value`` comparisons joined by ``and`` / ``or`` (and binds tighter)."""
    tokens = _tokenize(text)
    groups: list[list[tuple[bool, str, str, Any]]] = [[]]
    i = 0
    while i < len(tokens):
        neg = False
        if tokens[i] == "not":
            neg, i = True, i + 1
        if i + 1 >= len(tokens):
            raise ConditionError(t("form.cond.incomplete", text=text))
        name, op = tokens[i], tokens[i + 1]
        if op not in _OPS:
            raise ConditionError(t("form.cond.not_operator", op=op, ops=" ".join(_OPS)))
        i += 2
        if i < len(tokens) and tokens[i] == "[":
            end = tokens.index("]", i) if "]" in tokens[i:] else -1
            if end < 0:
                raise ConditionError(t("form.cond.no_bracket"))
            value: Any = tuple(v for v in tokens[i + 1:end] if v != ",")
            i = end + 1
        elif i < len(tokens):
            value, i = tokens[i], i + 1
        else:
            raise ConditionError(t("form.cond.no_value", name=name, op=op))
        if op in ("in", "has_any") and not isinstance(value, tuple):
            raise ConditionError(t("form.cond.need_list", op=op))
        groups[-1].append((neg, name, op, value))
        if i < len(tokens):
            if tokens[i] == "and":
                i += 1
            elif tokens[i] == "or":
                groups.append([])
                i += 1
            else:
                raise ConditionError(t("form.cond.need_and_or", token=tokens[i]))
    if not groups[-1]:
        raise ConditionError(t("form.cond.dangling", text=text))
    return Condition(tuple(tuple(g) for g in groups))


def _tokenize(text: str) -> list[str]:
    tokens: list[str] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ConditionError(t("form.cond.unreadable", text=text[pos:]))
        tok = m.group(1)
        if len(tok) >= 2 and tok[0] == tok[-1] and tok[0] in "'\"":
            tok = tok[1:-1]
        tokens.append(tok)
        pos = m.end()
    return tokens


def as_text(value: Any) -> str:
    """How a stored value compares in a condition: bools as 是/否, missing as ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES_TEXT if value else NO_TEXT
    return str(value)


def _compare(neg: bool, current: Any, op: str, value: Any) -> bool:
    if op in ("has", "has_any"):
        items = {as_text(v) for v in current} if isinstance(current, (list, tuple)) else set()
        wanted = value if isinstance(value, tuple) else (value,)
        result = bool(items & set(wanted))
    elif op == "in":
        result = as_text(current) in value
    elif op == "==":
        result = as_text(current) == value
    else:
        result = as_text(current) != value
    return not result if neg else result


def lookup_in(answers: Mapping[str, Any], extra: Mapping[str, Any]) -> Callable[[str], Any]:
    """A lookup over a scope of answers, then computed names."""
    def get(name: str) -> Any:
        if name in answers:
            return answers[name]
        return extra.get(name)
    return get
