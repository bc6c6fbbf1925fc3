"""A tiny, safe language for a field's ``when``: ``a == 是 and b in [x, y]``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping

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
            raise ConditionError(f"“{text}” 不完整，应写成 字段 运算符 值，如 receives_dibao == 否")
        name, op = tokens[i], tokens[i + 1]
        if op not in _OPS:
            raise ConditionError(f"“{op}” 不是运算符；可用 {' '.join(_OPS)}")
        i += 2
        if i < len(tokens) and tokens[i] == "[":
            end = tokens.index("]", i) if "]" in tokens[i:] else -1
            if end < 0:
                raise ConditionError("列表缺少右括号 ]")
            value: Any = tuple(v for v in tokens[i + 1:end] if v != ",")
            i = end + 1
        elif i < len(tokens):
            value, i = tokens[i], i + 1
        else:
            raise ConditionError(f"“{name} {op}” 后面缺少值")
        if op in ("in", "has_any") and not isinstance(value, tuple):
            raise ConditionError(f"{op} 后面应是列表，如 [国有企业, 非公企业]")
        groups[-1].append((neg, name, op, value))
        if i < len(tokens):
            if tokens[i] == "and":
                i += 1
            elif tokens[i] == "or":
                groups.append([])
                i += 1
            else:
                raise ConditionError(f"“{tokens[i]}” 处应是 and 或 or")
    if not groups[-1]:
        raise ConditionError(f"“{text}” 以 and/or 结尾，后面缺少条件")
    return Condition(tuple(tuple(g) for g in groups))


def _tokenize(text: str) -> list[str]:
    tokens: list[str] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ConditionError(f"无法理解 “{text[pos:]}”")
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
