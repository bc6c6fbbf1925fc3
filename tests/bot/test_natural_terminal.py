"""Whole interviews in natural words through the terminal (`intake chat` as a process over stdin/stdout).

The households of tests/data/natural_households.yaml answer each question the terminal actually asks,
as people type (words, Chinese numerals, two-digit years, 老婆, 没有了 …); nothing may be refused, every
interpreted answer must be echoed, and the record must hold what was meant: the healthy household near
the cap is 不符合认定标准, the household with paper codes 3 + 6, 9 carries 子女上学 into the ledger,
附件2 row 8 and the printed 附件1.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import Session, select

from storage.db import make_engine
from storage.models import Interview
from tests.support.natural import Household, check_echo, check_schoolchild_exports, check_stored, near_cap_figures, \
    refusals

REPO = Path(__file__).resolve().parents[2]


def _read_prompt(proc: subprocess.Popen[str], timeout: float = 30) -> str:
    """The terminal's output up to its '> ' prompt (or to its end)."""
    assert proc.stdout is not None
    out = ""
    deadline = time.monotonic() + timeout
    while not out.endswith("> "):
        ch = proc.stdout.read(1)
        if not ch:
            break
        out += ch
        assert time.monotonic() < deadline, out[-500:]
    return out


def interview(key: str, tmp_path: Path) -> tuple[str, dict]:
    """Run the household through `intake chat`; the transcript and the stored interview's state."""
    db_url = f"sqlite:///{tmp_path / 'intake.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "INTAKE_", "DATABASE_"))}
    env.update(DATABASE_URL=db_url, INTAKE_LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1",
               PYTHONPATH=str(REPO), INTAKE_ATTACHMENTS_DIR=str(tmp_path / "attachments"))
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "chat", "--user", "surveyor1", "--name", "张调查员"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            cwd=tmp_path, env=env)
    assert proc.stdin is not None
    household = Household(key)
    transcript, prompt = [], _read_prompt(proc)
    try:
        for _ in range(150):
            transcript.append(prompt)
            if "✅ 已提交" in prompt:
                break
            typed, echo = household.reply(prompt)
            proc.stdin.write(typed + "\n")
            proc.stdin.flush()
            prompt = _read_prompt(proc)
            transcript.append(f"<<< {typed}")
            assert not refusals(prompt), f"{key}: “{typed}” at “{household.used[-1]}” was refused:\n{prompt[:600]}"
            check_echo(key, typed, echo, prompt)
        else:
            raise AssertionError(f"{key}: not submitted:\n{prompt[-800:]}")
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
    engine = make_engine(db_url)
    with Session(engine) as s:
        iv = s.exec(select(Interview)).one()
        state = dict(iv.state)
        state["_category"], state["_status"] = iv.category, iv.status
    engine.dispose()
    unused = set(household.answers) - set(household.used)
    assert not unused, f"{key}: the data answers questions never asked: {sorted(unused)}"
    return "\n".join(transcript), state


def test_a_healthy_household_near_the_cap_is_not_eligible(tmp_path: Path) -> None:
    transcript, state = interview("healthy_near_cap", tmp_path)
    answers = state["answers"]
    check_stored("healthy_near_cap", answers)
    p, s, cap = near_cap_figures(answers)
    assert s < p <= cap, (p, s, cap)  # the household sits where 患病 alone would make it 低保边缘户 (第3条)
    assert [answers["health"]] + [m["health"] for m in answers["members"]] == ["良好"] * 3
    assert state["_status"] == "submitted" and state["_category"] is None
    assert state["assessment"]["eligible"] is False
    assert "认定结果：不符合认定标准" in transcript


def test_codes_3_6_9_carry_the_schoolchild_to_the_ledger_stats_and_printed_form(tmp_path: Path) -> None:
    transcript, state = interview("unemployed_with_a_schoolchild", tmp_path)
    answers = state["answers"]
    check_stored("unemployed_with_a_schoolchild", answers)
    assert state["_status"] == "submitted" and state["_category"] == state["assessment"]["category"]
    assert "[9. 子女上学]" in transcript  # the secondary list keeps the paper codes with 3 taken
    check_schoolchild_exports(f"sqlite:///{tmp_path / 'intake.db'}", tmp_path, answers["name"])


@pytest.mark.parametrize("key", ["healthy_near_cap", "unemployed_with_a_schoolchild"])
def test_the_households_type_no_option_numbers_but_the_paper_codes(key: str) -> None:
    typed = [str(v["say"] if isinstance(v, dict) else v) for k, v in Household(key).answers.items()
             if "致困原因" not in k and "身份证号" not in k and "手机" not in k and "邮政" not in k and "卡号" not in k]
    assert not [t for t in typed if t.strip().isdecimal() and len(t.strip()) <= 2], typed
