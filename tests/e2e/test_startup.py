"""`intake run` refuses to start on missing or malformed settings, with a message that names them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import REPO, TOKEN


def _run(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
            "TELEGRAM_API_URL": "http://127.0.0.1:9"}
    return subprocess.run([sys.executable, "-m", "bot.cli", "run", *args], env={**base, **env}, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("env, args, named", [
    ({}, (), "TELEGRAM_BOT_TOKEN 未设置"),
    ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, (), "TELEGRAM_BOT_TOKEN 格式不对"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "INTAKE_ADMIN_IDS": "12,abc"}, (), "INTAKE_ADMIN_IDS"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": "api.telegram.org"}, (), "TELEGRAM_API_URL"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN}, ("--webhook",), "INTAKE_WEBHOOK_SECRET"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "INTAKE_WEBHOOK_SECRET": "有空格 的密钥"}, ("--webhook",), "INTAKE_WEBHOOK_SECRET"),
])
def test_bad_settings_stop_start_up_with_a_clear_message(tmp_path: Path, env: dict[str, str],
                                                         args: tuple[str, ...], named: str) -> None:
    out = _run(tmp_path, env, *args)
    assert out.returncode != 0
    assert named in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "x.db").exists()  # stopped before touching the database
