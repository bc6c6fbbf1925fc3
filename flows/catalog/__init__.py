"""The one catalog of user-facing Chinese text, with {placeholders}: ``t(key, **values)``.

One module per area, each owning its key prefixes:
- ``engine`` (engine.*, the conversation); ``validators`` (v.*); ``answers`` (v.money.*, v.count.*, v.months.*,
  health.*, name.*: the free-text readers of flows/numbers, health, names); ``dates`` (v.date.* beyond validators)
- ``forms`` (form.*, form-file problems); ``entry`` (form.entry.*, start.*); ``eligibility`` (elig.*);
  ``checks`` (check.*, a household against itself)
- ``adapters`` (bot.*, tg.*: terminal and Telegram); ``cli`` (cli.*, settings.*: the `intake` command line)
- ``records`` (rec.*, the staff records desk); ``followup`` (fu.*); ``exports`` (export.*)
- ``family`` (media.*, family.*: files and contacts sent at the right time, the family edited from the review)
- ``queue`` (queue.*, the review queue and card); ``journey`` (journey.*: whose record, before and after)
- ``ocr`` (ocr.*: an ID card photo read and offered)
- ``chat`` (chat.*: progress, the one-line records, the review's contents)
- ``units`` (unit.*: a unit's settings, /unit)
- ``relapse`` (export.reopen.*: 返贫 households marked in the exports and the daily delivery)
Keep every string a user can see in one of them.
"""

from __future__ import annotations

from typing import Any, Mapping

from flows.catalog import (adapters, answers, chat, checks, cli, dates, eligibility, engine, entry, exports, family, followup, forms, journey, ocr, queue, records, relapse, units, validators)


def _merged(*areas: Mapping[str, str]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for area in areas:
        twice = set(merged) & set(area)
        if twice:  # a key in two areas would silently shadow one of them
            raise ValueError(f"catalog keys defined twice: {sorted(twice)}")
        merged.update(area)
    return merged


MESSAGES: dict[str, str] = _merged(engine.MESSAGES, validators.MESSAGES, answers.MESSAGES, cli.MESSAGES, forms.MESSAGES, eligibility.MESSAGES, adapters.MESSAGES, records.MESSAGES, followup.MESSAGES, exports.MESSAGES, entry.MESSAGES, checks.MESSAGES, dates.MESSAGES, chat.MESSAGES, family.MESSAGES, journey.MESSAGES, ocr.MESSAGES, queue.MESSAGES, units.MESSAGES, relapse.MESSAGES)


def t(key: str, /, **kwargs: Any) -> str:
    """Return the catalog text for ``key`` with placeholders filled (a placeholder may be named key too)."""
    text = MESSAGES[key]
    return text.format(**kwargs) if kwargs else text
