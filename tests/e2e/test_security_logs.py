"""The real `intake run` keeps personal data and the token out of its output, and its files private.

Issue 13, findings 5, 9 and 10, through the process where they were found: at INTAKE_LOG_LEVEL=DEBUG
the libraries' DEBUG lines (whole requests and updates) stay off; a token the server rejects is never
printed; the database, its -wal/-shm and the attachments are the service user's alone.
"""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import RUNTIMES, TOKEN, BotProcess, running
from tests.support.plans import household

PHOTO = b"\xff\xd8\xff\xe0JFIF-security-photo-" + bytes(range(256)) * 20
PLAN = household(name="欧阳修文", health="强直性脊柱炎", address="荆门市东宝区龙泉北路88号7栋", phone="139-8765-4321",
                 attachments=[{"file": PHOTO, "type": "身份证", "name": "@offer"}])
PRIVATE = ("欧阳修文", "强直性脊柱炎", "龙泉北路88号", "13987654321", "139-8765-4321", PLAN["id_number"],
           PLAN["bank_card"], "李秀英", "荆门市某某机械厂")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_debug_logs_hold_no_personal_data_and_files_are_private(runtime: str, tmp_path: Path) -> None:
    proc = BotProcess(runtime, tmp_path)
    proc.env["INTAKE_LOG_LEVEL"] = "DEBUG"
    with running(proc) as bot:
        worker = bot.person("欧阳修文")
        done = worker.fill(worker.says("/start"), PLAN)
        assert "✅ 已提交" in done.params["text"]
        db_files = [tmp_path / "intake.db", tmp_path / "intake.db-wal", tmp_path / "intake.db-shm"]
        modes = {p.name: _mode(p) for p in db_files if p.exists()}
        folders = [p for p in bot.attachments.rglob("*") if p.is_dir()] + [bot.attachments]
        files = [p for p in bot.attachments.rglob("*") if p.is_file()]
        log = bot.log()
    assert modes.get("intake.db") == 0o600 and set(modes.values()) == {0o600}, modes
    assert files and all(_mode(p) == 0o600 for p in files), [(p, oct(_mode(p))) for p in files]
    assert all(_mode(p) == 0o700 for p in folders), [(p, oct(_mode(p))) for p in folders]
    assert " DEBUG intake" in log or " DEBUG bot" in log, "our own DEBUG lines are on"
    assert " DEBUG telegram" not in log and " DEBUG aiogram" not in log and " DEBUG httpx" not in log
    for secret in PRIVATE + (TOKEN,):
        assert secret not in log, f"{secret!r} in the {runtime} log"
    assert "readable by other local users" not in log


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_a_rejected_token_is_never_printed(runtime: str, tmp_path: Path) -> None:
    proc = BotProcess(runtime, tmp_path)
    wrong = "987654321:AAHrejectedTokenXYZabcdefghijklmn"
    env = {**proc.env, "TELEGRAM_BOT_TOKEN": wrong, "INTAKE_LOG_LEVEL": "DEBUG"}
    try:
        out = subprocess.run([sys.executable, "-m", "bot.cli", "run", "--runtime", runtime], env=env,
                             cwd=tmp_path, capture_output=True, text=True, timeout=90)
    finally:
        proc.close()
    printed = out.stdout + out.stderr
    assert out.returncode != 0
    assert "rejectedToken" not in printed and wrong not in printed
    assert printed.strip().splitlines()[-1].startswith("error:")

