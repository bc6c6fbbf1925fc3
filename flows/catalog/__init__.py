"""The one catalog of user-facing Chinese text, with {placeholders}: ``t(key, **values)``.

One module per area, each owning its key prefix: ``engine`` (engine.*, the conversation),
``validators`` (v.*), ``forms`` (form.*, form-file problems), ``eligibility`` (elig.*),
``adapters`` (bot.*, tg.*: terminal and Telegram), ``records`` (rec.*, the staff records desk),
``followup`` (fu.*), ``exports`` (export.*), ``entry`` (form.entry.*, start.*), ``answers`` (v.money.*, v.count.*, v.months.*,
health.*, name.*: the free-text readers of flows/numbers, health, names), ``cli`` (cli.*, settings.*:
the `intake` command line), ``checks`` (check.*, a household against
itself), ``dates`` (the date reader's v.date.* beyond ``validators``), ``units`` (unit.*, unit settings). Keep every string a user can see in one of them.
"""

from __future__ import annotations

from typing import Any, Mapping

from flows.catalog import (adapters, answers, checks, cli, dates, eligibility, engine, entry, exports, followup,
                           forms, records, units, validators)


def _merged(*areas: Mapping[str, str]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for area in areas:
        twice = set(merged) & set(area)
        if twice:  # a key in two areas would silently shadow one of them
            raise ValueError(f"catalog keys defined twice: {sorted(twice)}")
        merged.update(area)
    return merged


MESSAGES: dict[str, str] = _merged(engine.MESSAGES, validators.MESSAGES, answers.MESSAGES, cli.MESSAGES, forms.MESSAGES,
                                   eligibility.MESSAGES, adapters.MESSAGES, records.MESSAGES, followup.MESSAGES,
                                   exports.MESSAGES, entry.MESSAGES, checks.MESSAGES, dates.MESSAGES,
                                   units.MESSAGES)


def t(key: str, /, **kwargs: Any) -> str:
    """Return the catalog text for ``key`` with placeholders filled (a placeholder may be named key too)."""
    text = MESSAGES[key]
    return text.format(**kwargs) if kwargs else text
