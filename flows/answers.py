"""The result of parsing one typed answer (Valid / Invalid) and the input clean-up every parser shares."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any, Mapping

from flows.catalog import t

_ECHO_LIMIT = 20
# Dashes people type on phones; NFKC leaves them alone.
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"})


@dataclass(frozen=True)
class Valid:
    """An accepted answer: normalised value, echo, and optional warning/confirmation/derived facts."""

    value: Any
    display: str
    warning: str | None = None
    confirm: str | None = None
    derived: Mapping[str, Any] = field(default_factory=dict)
    note: str | None = None  # one-line echo of what was recorded when the answer was interpreted, not literal


@dataclass(frozen=True)
class Invalid:
    """A rejected answer with a Chinese message that says what is wrong and gives an example."""

    message: str


Result = Valid | Invalid


def normalize(text: str) -> str:
    """Full-width to ASCII (NFKC), unify dashes, turn invisible/control characters into spaces, strip."""
    folded = unicodedata.normalize("NFKC", text).translate(_DASHES)
    return "".join(ch if ch.isprintable() else " " for ch in folded).strip()


def compact(text: str) -> str:
    """Normalise and drop all whitespace."""
    return "".join(normalize(text).split())


def clip(text: str) -> str:
    """Short, printable echo of what the person typed, for use inside messages."""
    shown = " ".join(normalize(text).split())
    return shown if len(shown) <= _ECHO_LIMIT else shown[:_ECHO_LIMIT] + "…"


def empty(what: str, example: str) -> Invalid:
    """The rejection for a blank answer."""
    return Invalid(t("v.empty", what=what, example=example))


def clean_text(text: str, multiline: bool) -> str:
    """Keep free text as typed, minus control characters and surrogates; newlines only when multiline."""
    out = []
    for ch in text.replace("\r\n", "\n"):
        if ch == "\n" and multiline:
            out.append(ch)
        elif ch.isspace():
            out.append(" ")
        elif unicodedata.category(ch) not in ("Cc", "Cs"):
            out.append(ch)
    return "".join(out).strip()
