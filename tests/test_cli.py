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
    data = json.loads((Path(__file__).parents[1] / "flows" / "data" / "standards.json").read_text(encoding="utf-8"))
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
