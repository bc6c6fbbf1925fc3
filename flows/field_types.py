"""The one table of question types: name → parser, whether it lists choices, how it is answered.

``flows.form`` checks a form file's ``type:`` against this table and ``validate`` dispatches on
it. Adding a question type: a row here, its parser (``flows/validators.py``), its texts (the
catalog) — three files.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Callable, Mapping

from flows.answers import Result, Valid
from flows.catalog import t
from flows.choices import parse_choice, parse_multi_choice
from flows.health import parse_health
from flows.names import normalize_name
from flows.validators import (
    parse_bank_card, parse_count, parse_date, parse_ethnicity, parse_id_number, parse_money, parse_months, parse_number,
    parse_phone, parse_postcode, parse_text, parse_yes_no,
)

Parser = Callable[[str, Mapping[str, Any], date], Result]  # (typed text, the field's options, today)


@dataclass(frozen=True)
class FieldType:
    """One question type: how a typed answer is read and how the question is shown."""

    name: str
    parse: Parser | None  # None: not typed (a file is sent)
    choices: bool = False  # the form file lists ``choices`` (or ``choices_from``)
    buttons: bool = False  # answered by pressing its buttons: no example line is shown
    example: str = ""  # shown in error texts when the form gives none
    literal: bool = False  # stored as typed: a no/skip/command word or a button label never becomes its value


def _as_note(result: Result) -> Result:
    """Health and names explain what they recorded in a line of their own (Valid.note), not as a warning."""
    if isinstance(result, Valid) and result.warning and not result.note:
        return replace(result, warning=None, note=result.warning)
    return result


def _health(text: str, o: Mapping[str, Any], today: date) -> Result:
    return _as_note(parse_health(text, max_len=_opt(o, "max_len", 50), example=t("ex.illness")))


def _name(text: str, o: Mapping[str, Any], today: date) -> Result:
    return _as_note(normalize_name(text, max_len=_opt(o, "max_len", 30), example=_opt(o, "example", t("ex.name"))))


def _opt(options: Mapping[str, Any], key: str, default: Any) -> Any:
    value = options.get(key)
    return default if value is None else value


def _text(max_len: int, multiline: bool, example: str) -> Parser:
    return lambda text, o, today: parse_text(
        text, max_len=_opt(o, "max_len", max_len), min_len=_opt(o, "min_len", 1), multiline=multiline,
        example=_opt(o, "example", example))


def _count(max_value: int, example: str) -> Parser:
    return lambda text, o, today: parse_count(
        text, min_value=_opt(o, "min", 0), max_value=_opt(o, "max", max_value), example=_opt(o, "example", example))


def _choices(options: Mapping[str, Any]) -> list[str]:
    choices = options.get("choices")
    if not choices or not all(isinstance(c, str) for c in choices):
        raise ValueError("choice types need options['choices'], a non-empty list of str")
    return list(choices)


def _date(text: str, o: Mapping[str, Any], today: date) -> Result:
    return parse_date(text, today=today, not_future=_opt(o, "not_future", True), min_year=_opt(o, "min_year", 1900),
                      allow_month=_opt(o, "allow_month", False), recent=_opt(o, "recent", False))


def _money(text: str, o: Mapping[str, Any], today: date) -> Result:
    return parse_money(text, max_plausible=_opt(o, "max_plausible", 100000), allow_zero=_opt(o, "allow_zero", True),
                       period=_opt(o, "period", None))


def _months(text: str, o: Mapping[str, Any], today: date) -> Result:
    return parse_months(text, min_value=_opt(o, "min", 0), max_value=_opt(o, "max", 600),
                        example=_opt(o, "example", "6"))


def _number(text: str, o: Mapping[str, Any], today: date) -> Result:
    return parse_number(text, min_value=_opt(o, "min", 0), max_value=_opt(o, "max", 100000),
                        max_decimals=_opt(o, "max_decimals", 2), unit=_opt(o, "unit", ""),
                        example=_opt(o, "example", "65.5"))


def _choice(text: str, o: Mapping[str, Any], today: date) -> Result:
    return parse_choice(text, _choices(o), allow_other=bool(_opt(o, "allow_other", False)),
                        aliases=_opt(o, "aliases", None))


def _multi(text: str, o: Mapping[str, Any], today: date) -> Result:
    return parse_multi_choice(text, _choices(o), min_count=_opt(o, "min", 1), max_count=o.get("max"),
                              exclude=tuple(_opt(o, "exclude", ())), exclude_label=str(_opt(o, "exclude_label", "")),
                              aliases=_opt(o, "aliases", None))


TYPES: Mapping[str, FieldType] = {ft.name: ft for ft in (
    FieldType("text", _text(100, False, t("ex.text")), example=t("ex.text"), literal=True),
    FieldType("long_text", _text(500, True, t("ex.long_text")), example=t("ex.long_text"), literal=True),
    FieldType("other_contact", _text(100, False, t("ex.other_contact")), example=t("ex.other_contact"),
              literal=True),
    FieldType("name", _name, example=t("ex.name")),
    FieldType("health", _health, example=t("ex.health")),
    FieldType("id_number", lambda text, o, today: parse_id_number(text, today=today), literal=True),
    FieldType("phone", lambda text, o, today: parse_phone(text), literal=True),
    FieldType("postcode", lambda text, o, today: parse_postcode(text), example="448000", literal=True),
    FieldType("date", _date, example="1980-05-03"),
    FieldType("money", _money, example="1200"),
    FieldType("count", _count(30, "3"), example="3"),
    FieldType("months", _months, example="6"),
    FieldType("number", _number, example="65.5"),
    FieldType("ethnicity", lambda text, o, today: parse_ethnicity(text)),
    FieldType("bank_card", lambda text, o, today: parse_bank_card(text), literal=True),
    FieldType("yes_no", lambda text, o, today: parse_yes_no(text, aliases=_opt(o, "aliases", None)), buttons=True),
    FieldType("choice", _choice, choices=True, buttons=True),
    FieldType("multi_choice", _multi, choices=True, buttons=True),
    FieldType("file", None),
)}
TYPE_NAMES: tuple[str, ...] = tuple(name for name, ft in TYPES.items() if ft.parse is not None)  # typed answers


def takes_choices(type_name: str) -> bool:
    """True for the types whose form entry lists choices."""
    ft = TYPES.get(type_name)
    return ft is not None and ft.choices


def validate(type_name: str, text: str, *, options: Mapping[str, Any] | None = None, today: date) -> Result:
    """Dispatch on type_name; unknown type_name raises ValueError (programming error), everything else returns."""
    ft = TYPES.get(type_name)
    if ft is None or ft.parse is None:
        raise ValueError(f"unknown answer type {type_name!r}; known: {', '.join(TYPE_NAMES)}")
    return ft.parse(text, options or {}, today)
