"""A name that shows nothing is no name (issue 13, item 11): fillers, zero-width and RTL characters."""

from __future__ import annotations

import pytest

from flows.answers import Invalid, Valid
from flows.names import normalize_name


@pytest.mark.parametrize("typed", ["\u3164\u3164", "\u115f", "\uffa0\u3164 ", "\u200b\u200b", "\u202e\u202e",
                                   "\u2067\u2069\u200d", "\ufeff", "\u2800\u2800"])
def test_a_name_of_invisible_characters_is_refused(typed: str) -> None:
    result = normalize_name(typed)
    assert isinstance(result, Invalid) and "王建国" in result.message


@pytest.mark.parametrize("typed, kept", [("王\u3164建国", "王建国"), ("\u202e王建国", "王建国"),
                                         ("王\u200b建国", "王建国"), ("阿依古丽\u200b·买买提", "阿依古丽·买买提")])
def test_invisible_characters_inside_a_name_are_dropped(typed: str, kept: str) -> None:
    result = normalize_name(typed)
    assert isinstance(result, Valid) and result.value == kept
