"""Whole interviews in natural words on Telegram: the real bot process (aiogram and ptb) against the
stand-in Bot API, a worker typing every answer the way people type (tests/data/natural_households.yaml).

Nothing typed may be refused, every interpreted answer is echoed, and the record holds what was meant:
the healthy household near the cap is 不符合认定标准; the one with paper codes 3 + 6, 9 carries 子女上学
into the ledger, 附件2 row 8 and the printed 附件1 (exported from the bot's own database).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from storage.models import Interview, User
from tests.e2e.conftest import BotProcess
from tests.e2e.fake_bot_api import Call
from tests.e2e.people import buttons_of, text_of
from tests.support.natural import Household, check_echo, check_schoolchild_exports, check_stored, near_cap_figures, \
    refusals


def seen(call: Call) -> str:
    """What the person sees of a message: its text and, as the terminal prints them, its buttons."""
    labels = " ".join(f"[{b}]" for b in buttons_of(call))
    return text_of(call) + (f"\n可选：{labels}" if labels else "")


def interview(bot: BotProcess, key: str, first_name: str) -> tuple[Interview, list[str]]:
    """A worker reports on their own household, typing every answer; the stored interview and the bot's words."""
    worker = bot.person(first_name)
    household = Household(key)
    prompt = worker.says("/start")
    said: list[str] = []
    for _ in range(150):
        text = seen(prompt)
        said.append(text)
        if "✅ 已提交" in text:
            break
        typed, echo = household.reply(text)
        prompt = worker.says(typed)
        reply = seen(prompt)
        assert not refusals(reply), f"{key}: “{typed}” at “{household.used[-1]}” was refused:\n{reply[:600]}"
        check_echo(key, typed, echo, reply)
    else:
        raise AssertionError(f"{key}: not submitted:\n{text[-800:]}")
    with Session(bot.db) as s:
        user = s.exec(select(User).where(User.tg_id == worker.user.id)).one()
        iv = s.exec(select(Interview).where(Interview.created_by == user.id)).one()
    return iv, said


def test_a_healthy_household_near_the_cap_typed_on_telegram_is_not_eligible(bot: BotProcess) -> None:
    iv, said = interview(bot, "healthy_near_cap", "刘德明")
    answers = iv.state["answers"]
    check_stored("healthy_near_cap", answers)
    p, s, cap = near_cap_figures(answers)
    assert s < p <= cap, (p, s, cap)
    assert [answers["health"]] + [m["health"] for m in answers["members"]] == ["良好"] * 3
    assert (iv.status, iv.kind, iv.category) == ("submitted", "self", None)
    assert iv.state["assessment"]["eligible"] is False and "认定结果：不符合认定标准" in said[-1]
    assert "relief_target" not in answers  # a worker is not asked the staff's 帮扶计划


def test_codes_3_6_9_typed_on_telegram_reach_the_ledger_stats_and_printed_form(bot: BotProcess,
                                                                              tmp_path: Path) -> None:
    iv, said = interview(bot, "unemployed_with_a_schoolchild", "周建军")
    answers = iv.state["answers"]
    check_stored("unemployed_with_a_schoolchild", answers)
    assert iv.status == "submitted" and iv.category == iv.state["assessment"]["category"]
    assert any("[9. 子女上学]" in text for text in said)
    check_schoolchild_exports(bot.db_url, tmp_path, answers["name"])


@pytest.fixture(autouse=True)
def _no_refused_updates(bot: BotProcess):  # type: ignore[no-untyped-def]
    yield
    assert bot.api.refused == []
