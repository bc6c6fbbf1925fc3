"""The `intake` command line: help for every subcommand, and `intake assess`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import build_parser


def run(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=stdin, capture_output=True, text=True,
                          cwd=cwd, timeout=60)


def test_help_lists_the_subcommands_and_each_has_help() -> None:
    top = run("--help")
    assert top.returncode == 0
    commands = [a for a in build_parser()._subparsers._group_actions[0].choices]  # type: ignore[union-attr]
    assert {"chat", "assess"} <= set(commands)
    for name in commands:
        assert name in top.stdout
        sub = run(name, "--help")
        assert sub.returncode == 0 and "usage: intake " + name in sub.stdout


HOUSEHOLD = {"region": "东宝区", "household_size": 3, "household_annual_income": 20000,
             "months_below_standard": 6}


def test_assess_prints_the_decision_as_json(tmp_path: Path) -> None:
    f = tmp_path / "h.json"
    f.write_text(json.dumps(HOUSEHOLD, ensure_ascii=False), encoding="utf-8")
    out = run("assess", str(f))
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["eligible"] is True and result["category"] == "低保边缘户" and result["criterion"] == 1
    assert result["per_capita_monthly_income"] == 555.56 and result["standard"] == 575
    assert "555.56" in result["explanation"]


def test_assess_reads_stdin() -> None:
    out = run("assess", "-", stdin=json.dumps({**HOUSEHOLD, "receives_dibao": True}))
    assert out.returncode == 0 and json.loads(out.stdout)["category"] == "低保户"


@pytest.mark.parametrize("bad, field", [
    ({"household_size": 3, "household_annual_income": 1}, "region"),
    ({**HOUSEHOLD, "household_size": 0}, "household_size"),
    ({**HOUSEHOLD, "household_annual_income": -5}, "household_annual_income"),
    ({**HOUSEHOLD, "region": "火星"}, "region"),
    ({**HOUSEHOLD, "main_cause": 11}, "main_cause"),
])
def test_assess_names_the_bad_field_and_fails(bad: dict, field: str) -> None:
    out = run("assess", "-", stdin=json.dumps(bad, ensure_ascii=False))
    assert out.returncode != 0 and field in out.stderr and "Traceback" not in out.stderr


def test_assess_rejects_text_that_is_not_json() -> None:
    out = run("assess", "-", stdin="{region: 东宝区")
    assert out.returncode != 0 and "JSON" in out.stderr


def test_a_new_standards_file_changes_the_result_without_code(tmp_path: Path) -> None:
    data = json.loads((Path(__file__).parents[2] / "flows" / "data" / "standards.json").read_text(encoding="utf-8"))
    for region in data["regions"]:
        if region["name"] == "东宝区":
            region["standard"] = 500
            region.pop("cap", None)
    data["version"] = "test-2027"
    std = tmp_path / "standards-2027.json"
    std.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = json.loads(run("assess", "-", stdin=json.dumps(HOUSEHOLD)).stdout)
    after = subprocess.run([sys.executable, "-m", "bot.cli", "assess", "-"], input=json.dumps(HOUSEHOLD),
                           capture_output=True, text=True, timeout=60,
                           env={**os.environ, "INTAKE_STANDARDS_FILE": str(std)})
    result = json.loads(after.stdout)
    assert before["eligible"] is True and result["eligible"] is False
    assert result["standard"] == 500 and result["cap"] == 750 and result["standards_version"] == "test-2027"


def test_override_needs_a_reason_and_keeps_both_values(tmp_path: Path) -> None:
    script = (Path(__file__).parents[1] / "data" / "wang_interview.txt").read_text(encoding="utf-8")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'i.db'}"}
    env.pop("TELEGRAM_BOT_TOKEN", None)

    def intake(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=stdin, capture_output=True,
                              text=True, env=env, timeout=120)

    assert intake("chat", "--user", "s1", "--name", "张调查员", stdin=script).returncode == 0
    refused = intake("override", "JM2026000001", "--category", "意外致困户", "--reason", " ", "--by", "s1")
    assert refused.returncode != 0 and "理由" in refused.stderr
    stranger = intake("override", "JM2026000001", "--category", "意外致困户", "--reason", "复核", "--by", "nobody")
    assert stranger.returncode != 0
    ok = intake("override", "JM2026000001", "--category", "意外致困户", "--reason", "补交住院票据后复核", "--by", "s1")
    assert ok.returncode == 0, ok.stderr
    from sqlmodel import Session, select

    from storage.db import make_engine
    from storage.models import AuditLog, Interview
    with Session(make_engine(env["DATABASE_URL"])) as s:
        iv = s.exec(select(Interview)).one()
        audit = s.exec(select(AuditLog).where(AuditLog.action == "override_category")).one()
    assert (iv.category, iv.override_category, iv.override_reason) == ("低保边缘户", "意外致困户", "补交住院票据后复核")
    assert audit.detail["computed"] == "低保边缘户"


def test_the_registry_reads_dates_in_the_configured_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    from bot.settings import build_registry, load_settings
    from exports.query import Filters

    monkeypatch.setenv("INTAKE_TIMEZONE", "America/New_York")
    registry = build_registry(load_settings())
    assert registry.tz == ZoneInfo("America/New_York")
    registry.clock = lambda: datetime(2026, 11, 30, 3, 0, tzinfo=timezone.utc)  # still the 29th in New York
    assert registry.today().isoformat() == "2026-11-29"
    assert Filters().in_zone(registry.tz).zone() == ZoneInfo("America/New_York")
    assert Filters(tz="Asia/Shanghai").in_zone(registry.tz).zone() == ZoneInfo("Asia/Shanghai")  # given: kept


def test_an_unknown_time_zone_stops_start_up_with_an_example(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.settings import SettingsError, load_settings

    monkeypatch.setenv("INTAKE_TIMEZONE", "Mars/Olympus")
    with pytest.raises(SettingsError, match="Asia/Shanghai"):
        load_settings()
