"""Pick one or several options by number, exact text, or a unique part of the text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping, Sequence

from flows.answers import Invalid, Result, Valid, clean_text, clip, compact, empty, normalize
from flows.catalog import t
from flows.lexicon import SPELLINGS

_LISTED = 12  # options spelled out in a "no such option" message
_NUMBER = re.compile(r"\(?第?([0-9]{1,6})(?:项|个|条|号)?[.)、]?")
_SEPARATORS = re.compile(r"[,、;+\s]+")


@dataclass(frozen=True)
class _Miss:
    """A token that names no single option; ``unknown`` when it names none at all."""

    invalid: Invalid
    unknown: bool = False


def _key(text: str) -> str:
    key = compact(text).lower()
    for typed, written in SPELLINGS.items():
        key = key.replace(typed, written)
    return key


@lru_cache(maxsize=4096)  # options come from the form files: a few hundred strings, asked for at every answer
def _variants(option: str) -> frozenset[str]:
    """Ways to write an option: as is, without brackets, without the bracketed part ("下岗" for "下（待）岗")."""
    k = _key(option)
    return frozenset(v for v in (k, re.sub(r"[()]", "", k), re.sub(r"\([^()]*\)", "", k)) if v)


def _listing(choices: Sequence[str]) -> str:
    shown = " ".join(f"{i}.{c}" for i, c in enumerate(choices[:_LISTED], start=1))
    return shown + (" …" if len(choices) > _LISTED else "")


def _example(choices: Sequence[str]) -> str:
    return t("v.choice.display_example", first=choices[0])


_TAIL = "的了啊呀吧呢哦。.!！"


def _alias_index(k: str, choices: Sequence[str], aliases: Mapping[str, Sequence[str]]) -> int | None:
    """The option a word of the form file's ``aliases`` names (老婆 → 配偶), if any."""
    for option, words in aliases.items():
        if option in choices and any(k in (_key(w), _key(w).rstrip(_TAIL)) for w in words):
            return list(choices).index(option)
    return None


def _resolve(token: str, choices: Sequence[str], aliases: Mapping[str, Sequence[str]] | None = None) -> int | _Miss:
    """Index of the one option ``token`` names, or why it names none or several."""
    k = _key(token)
    if not k:
        return _Miss(empty(t("v.choice.display_what"), _example(choices)))
    bare = re.sub(r"[()]", "", k)
    variants = [_variants(c) for c in choices]
    # people add a trailing 的 / 了 / punctuation: 男的, 结婚了, 党员。 — tried after the text as typed
    for key in dict.fromkeys((k, bare, k.rstrip(_TAIL) or k)):
        exact = [i for i, v in enumerate(variants) if key in v]
        if exact:
            return exact[0]
        if aliases:
            named = _alias_index(key, choices, aliases)
            if named is not None:
                return named
    m = _NUMBER.fullmatch(k)
    if m:
        n = int(m.group(1))
        if 1 <= n <= len(choices):
            return n - 1
        return _Miss(Invalid(t("v.choice.number", n=n, count=len(choices))))
    # A part of an option names it only outside its brackets and with two characters or more: "无" is not
    # 无劳动能力 and "荆门" is not 掇刀区（荆门高新区） — a guess here would store what nobody meant.
    outside = [_key(re.sub(r"[(（][^()（）]*[)）]", "", c)) for c in choices]
    partial = [i for i, x in enumerate(outside) if x and (k in x or bare in x)]
    if len(k) < 2 and partial:  # one character names nothing by itself: ask which, never pick
        return _Miss(Invalid(t("v.choice.ambiguous", text=clip(token), example=_example(choices),
                               matches="、".join(f"{i + 1}.{choices[i]}" for i in partial))))
    if len(partial) == 1:
        return partial[0]
    if partial:
        return _Miss(Invalid(t("v.choice.ambiguous", text=clip(token), example=_example(choices),
                               matches="、".join(f"{i + 1}.{choices[i]}" for i in partial))))
    return _Miss(Invalid(t("v.choice.none", text=clip(token), example=_example(choices),
                           options=_listing(choices))), unknown=True)


def _coded(code: int | str, option: str) -> str:
    """An option with its paper-form number when it has one: 3.下岗失业."""
    return f"{code}.{option}" if code else f"“{option}”"


def parse_choice(text: str, choices: Sequence[str], *, allow_other: bool = False,
                 aliases: Mapping[str, Sequence[str]] | None = None) -> Result:
    """One option, by number ("3", "3.", "第3项"), exact text, or a unique part of it; value the option."""
    if not choices:
        raise ValueError("parse_choice needs at least one choice")
    found = _resolve(text, choices, aliases)
    if isinstance(found, int):
        note = None if _key(text) in _variants(choices[found]) else t("echo.choice_recorded", value=choices[found])
        return Valid(choices[found], choices[found], note=note)
    other = clean_text(text, multiline=False)[:100]
    if allow_other and found.unknown and other:
        return Valid(other, other)  # free text for an "其他" answer
    return found.invalid


def parse_multi_choice(text: str, choices: Sequence[str], *, min_count: int = 1, max_count: int | None = None,
                       exclude: Sequence[str] = (), exclude_label: str = "",
                       aliases: Mapping[str, Sequence[str]] | None = None) -> Result:
    """Several options: "1,3,5", "1 3 5", "1、3", "135" (up to 9 options) or texts; value in choices order."""
    if not choices:
        raise ValueError("parse_multi_choice needs at least one choice")
    example = "1,3" if len(choices) >= 3 else "1"
    whole = _key(text)
    if not whole:
        return empty(t("v.multi.display_what"), example)
    tokens = [tok for tok in _SEPARATORS.split(normalize(text)) if tok]
    if any(whole in _variants(c) for c in choices):
        tokens = [text]  # an option that itself contains a separator, e.g. "高中、大学"
    elif len(tokens) == 1 and len(choices) <= 9 and re.fullmatch(r"[1-9]{2,9}", tokens[0]):
        tokens = list(tokens[0])  # "135" when every option number is one digit
    picked: set[int] = set()
    excluded = {i for i, c in enumerate(choices) if c in exclude}
    for token in tokens:
        found = _resolve(token, choices, aliases)
        if isinstance(found, _Miss):
            blocked = _resolve(token, list(exclude)) if exclude else None
            if isinstance(blocked, int) and not _NUMBER.fullmatch(_key(token)):
                code = choices.index(exclude[blocked]) + 1 if exclude[blocked] in choices else ""
                return Invalid(t("v.multi.excluded", option=_coded(code, exclude[blocked]),
                                 where=exclude_label or t("ans.multi.where_default"), example=example))
            return found.invalid
        picked.add(found)
    if picked & excluded:
        first = min(picked & excluded)
        allowed = [str(i + 1) for i in range(len(choices)) if i not in excluded][:2]
        return Invalid(t("v.multi.excluded", option=_coded(first + 1, choices[first]),
                         where=exclude_label or t("ans.multi.where_default"), example=",".join(allowed) or "1"))
    if max_count is not None and len(picked) > max_count:
        return Invalid(t("v.multi.too_many", max=max_count, n=len(picked),
                         example=",".join(str(i) for i in range(1, max_count + 1)) or "1"))
    if len(picked) < min_count:
        return Invalid(t("v.multi.too_few", min=min_count,
                         example=",".join(str(i) for i in range(1, min_count + 1))))
    values = [choices[i] for i in sorted(picked)]
    literal = all(any(_key(tok) in _variants(c) for c in values) for tok in tokens)
    note = None if literal else t("echo.choice_recorded", value="、".join(f"{i + 1}.{choices[i]}" for i in sorted(picked)))
    return Valid(values, "、".join(values), note=note)  # codes, parts or aliases typed: say what they meant
