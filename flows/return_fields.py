"""Which fields a reviewer's return comment names: by the printed label or any recognisable part of it.

``次要致困原因有误`` names 次要致困原因（最多选三项）, ``手机号不对`` 手机号码, ``五个一批措施`` “五个一批”措施.
A part is recognisable when it is the label without its parenthesis or quotes, without a leading 是否/是否为,
or a beginning or end of at least three characters that no other label shares. Longer words claim
their characters first (“身份证号” is not also “身份”); a label shared by the worker and a family
member means the worker's field.
"""

from __future__ import annotations

import re
from typing import Any

from flows.form import Form
from flows.lexicon import LABEL_HEADS
from flows.slots import slots

_ASIDE = re.compile(r"[（(][^）)]*[）)]")
_QUOTES = re.compile(r"[“”\"'‘’「」]")
_PART = 3  # the shortest beginning or end of a label that counts as naming it


def label_words(label: str) -> list[str]:
    """The whole words that name a field with this label: the label itself, its core, the core without 是否."""
    core = _QUOTES.sub("", _ASIDE.sub("", label)).strip()
    words = [label, core]
    for head in LABEL_HEADS:
        if core.startswith(head) and len(core) - len(head) >= 2:
            words.append(core[len(head):])
            break
    return [w for i, w in enumerate(words) if w and w not in words[:i]]


def _vocabulary(labels: list[str]) -> list[tuple[str, str]]:
    """(word, label) pairs, every word naming one label only, the longest first (whole labels before parts)."""
    owners: dict[str, set[str]] = {}
    rank: dict[str, int] = {}
    for label in labels:
        for word in label_words(label):
            owners.setdefault(word, set()).add(label)
            rank[word] = 0 if word in labels else 1
        core = label_words(label)[-1]
        for n in range(_PART, len(core)):
            for part in (core[:n], core[-n:]):
                owners.setdefault(part, set()).add(label)
                rank.setdefault(part, 2)
    pairs = []
    for word, named in owners.items():
        if word in labels:  # a whole label always names itself
            pairs.append((word, word))
        else:  # a core shared with a “（其他，注明）” field names the field without the aside
            plain = [label for label in named if len(named) == 1 or not _ASIDE.search(label)]
            if len(plain) == 1:
                pairs.append((word, plain[0]))
    return sorted(pairs, key=lambda p: (-len(p[0]), rank[p[0]], p[0]))


def named_labels(labels: list[str], comment: str) -> list[str]:
    """The labels a comment names (each once), in the order of ``labels``."""
    claimed = [False] * len(comment)
    found: set[str] = set()
    for word, label in _vocabulary(labels):
        at = comment.find(word)
        while at >= 0:
            if not any(claimed[at:at + len(word)]):
                claimed[at:at + len(word)] = [True] * len(word)
                found.add(label)
            at = comment.find(word, at + 1)
    return [label for label in labels if label in found]


def named_paths(form: Form, state: dict[str, Any], role: str, comment: str, ctx: Any) -> list[tuple[str, str]]:
    """(path, label) of the fields a comment names, in interview order."""
    ordered = [s for s in slots(form, dict(state, role=role), ctx) if s.field is not None]
    where: dict[str, str] = {}
    for grouped in (False, True):
        for slot in ordered:
            label = slot.field.label if slot.field else ""
            if (slot.group_index is not None) == grouped and label and label not in where:
                where[label] = slot.path
    order = {slot.path: pos for pos, slot in enumerate(ordered)}
    hits = [(where[label], label) for label in named_labels(list(where), comment)]
    return sorted(hits, key=lambda hit: order[hit[0]])
