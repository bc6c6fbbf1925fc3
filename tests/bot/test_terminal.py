"""`intake chat`: a whole scripted interview, and a kill -9 mid-way that loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlmodel import Session, select

from storage.db import make_engine
from storage.models import AnswerEvent, Interview

SCRIPT = (Path(__file__).parents[1] / "data" / "wang_interview.txt").read_text(encoding="utf-8").splitlines()


def _env(db_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("TELEGRAM_BOT_TOKEN", None)
    env.update(DATABASE_URL=db_url, INTAKE_LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1")
    return env


def _chat(tmp_path: Path, db_url: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "bot.cli", "chat", "--user", "surveyor1", "--name", "张调查员"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            cwd=tmp_path, env=_env(db_url))


def _read_prompt(proc: subprocess.Popen[str], timeout: float = 20) -> str:
    """Read the bot's output up to its '> ' prompt."""
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


def test_a_whole_household_through_the_terminal(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'intake.db'}"
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "chat", "--user", "surveyor1", "--name", "张调查员"],
                          input="\n".join(SCRIPT) + "\n", capture_output=True, text=True, cwd=tmp_path,
                          env=_env(db_url), timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "已提交" in proc.stdout and "认定结果：低保边缘户（认定标准第3条）" in proc.stdout
    assert "❌" not in proc.stdout
    assert "> ✔ 民族：汉族\n" in proc.stdout, "each answered question is printed as its one-line record"
    engine = make_engine(db_url)
    with Session(engine) as s:
        iv = s.exec(select(Interview)).one()
        events = s.exec(select(AnswerEvent).where(AnswerEvent.interview_id == iv.id)).all()
    a = iv.state["answers"]
    assert iv.status == "submitted" and iv.ref and iv.category == "低保边缘户"
    assert [m["name"] for m in a["members"]] == ["李秀英", "王小明", "赵桂兰"]
    assert a["main_cause"] == "下岗失业" and a["secondary_causes"] == ["重特大疾病", "子女上学"]
    assert a["relief_target"] is True and a["key_groups"] and a["action_plans"] and a["filed_by"] == "张调查员"
    assert a["phone"] == "13912345678" and a["work_start_date"] == "1995-07"
    assert iv.state["signature"]["name"] == "王建国"
    assert len(events) >= 80


def test_killed_mid_interview_it_resumes_at_the_same_question(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'intake.db'}"
    proc = _chat(tmp_path, db_url)
    _read_prompt(proc)
    assert proc.stdin is not None
    last = ""
    for line in SCRIPT[:30]:
        proc.stdin.write(line + "\n")
        proc.stdin.flush()
        last = _read_prompt(proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    question = [ln for ln in last.splitlines() if ln.startswith("请填写：")][-1]

    again = _chat(tmp_path, db_url)
    first = _read_prompt(again)
    assert question in first, (question, first[-400:])
    out, _ = again.communicate("\n".join(SCRIPT[30:]) + "\n", timeout=120)
    assert "已提交" in out
    engine = make_engine(db_url)
    with Session(engine) as s:
        ivs = s.exec(select(Interview)).all()
    assert len(ivs) == 1 and ivs[0].status == "submitted"
    assert ivs[0].state["answers"]["members"][0]["name"] == "李秀英"
