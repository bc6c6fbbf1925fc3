"""Households answered in natural words (tests/data/natural_households.yaml): which question a prompt asks,
and what the household types there — for the terminal and both Telegram runtimes alike.

A prompt is read off the text the person sees (the same in every front end, from bot.render), never
from the engine's state, so the households answer the questions actually asked. A question the data
does not answer fails loudly with its text; so does a reply that should echo what it recorded and
does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping

import yaml

from flows.registry import load_standards

DATA = Path(__file__).resolve().parents[1] / "data" / "natural_households.yaml"
HOUSEHOLDS: dict[str, dict[str, Any]] = yaml.safe_load(DATA.read_text(encoding="utf-8"))

_ASK = re.compile(r"^请填写：(.+)（(?:必填|可跳过)）$", re.MULTILINE)
_ITEM = re.compile(r"^第 (\d+) \S(家庭成员|附件)(?: · .*)?$", re.MULTILINE)  # then the item's own counter
_GROUP_START = re.compile(r"现在登记“(?:家庭主要成员|附件)”。是否有需要登记的(家庭成员|附件)")
_GROUP_MENU = re.compile(r"已登记 (\d+) \S(家庭成员|附件)：")
_FINAL = ("确认签字提交", "确认提交")


def question_key(text: str) -> str:
    """The key a prompt's question has in the data: 姓名, 家庭成员1·姓名, 家庭成员列表2, 签字 …"""
    asks = _ASK.findall(text)
    if asks:
        item = _ITEM.findall(text)
        return f"{item[-1][1]}{item[-1][0]}·{asks[-1]}" if item else asks[-1]
    if (m := _GROUP_START.search(text)) is not None:
        return f"{m.group(1)}列表0"
    if (m := _GROUP_MENU.search(text)) is not None:
        return f"{m.group(2)}列表{m.group(1)}"
    if any(sign in text for sign in _FINAL) and "核对" in text:
        return "签字"
    raise AssertionError(f"not a question the households know how to answer:\n{text[-800:]}")


@dataclass
class Household:
    """One household of the data file, answering prompt by prompt."""

    key: str
    answers: Mapping[str, Any] = field(init=False)
    expect: Mapping[str, Any] = field(init=False)
    used: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        data = HOUSEHOLDS[self.key]
        self.answers, self.expect = data["answers"], data["expect"]

    def entry(self, text: str) -> tuple[str, str]:
        """(data key, question key) of a prompt; the data key names the question, whole or by a fragment."""
        asked = question_key(text)
        if asked in self.answers:
            return asked, asked
        prefix, _, label = asked.rpartition("·")
        found = [k for k in self.answers if k.rpartition("·")[0] == prefix and k.rpartition("·")[2] in label]
        assert len(found) == 1, f"{self.key}: no single answer for the question “{asked}” ({found}):\n{text[-800:]}"
        return found[0], asked

    def reply(self, text: str) -> tuple[str, str | None]:
        """What the household types at this prompt, and the fragment its echo must show (or None)."""
        key, asked = self.entry(text)
        self.used.append(key)
        value = self.answers[key]
        if isinstance(value, dict):
            return str(value["say"]), str(value["echo"])
        return str(value), None


def check_echo(household: str, typed: str, echo: str | None, reply_text: str) -> None:
    """An interpreted answer is echoed: the reply says 已记录为… with the value it recorded."""
    if echo is None:
        return
    lines = [ln for ln in reply_text.splitlines() if "已记录为" in ln]
    assert any(echo in ln for ln in lines), \
        f"{household}: “{typed}” should be echoed as {echo!r}; the bot said:\n{reply_text[:600]}"


def refusals(text: str) -> list[str]:
    """The error lines of a reply (an answer refused)."""
    return [ln for ln in text.splitlines() if ln.startswith("❌")]


def check_stored(household: str, answers: Mapping[str, Any]) -> None:
    """The record holds what the household meant (the data file's ``expect``)."""
    expect = HOUSEHOLDS[household]["expect"]
    for key, want in expect.items():
        if key == "members":
            got = answers.get("members") or []
            assert len(got) == len(want), (household, got)
            for i, (member, wanted) in enumerate(zip(got, want)):
                for k, v in wanted.items():
                    assert _same(member.get(k), v), f"{household}: member {i + 1} {k} = {member.get(k)!r}, not {v!r}"
        else:
            assert _same(answers.get(key), want), f"{household}: {key} = {answers.get(key)!r}, not {want!r}"


def _same(got: Any, want: Any) -> bool:
    if isinstance(want, str) and re.fullmatch(r"-?\d+(\.\d+)?", want) and got is not None:
        try:
            return Decimal(str(got)) == Decimal(want)
        except ArithmeticError:
            return False
    return bool(got == want)


def near_cap_figures(answers: Mapping[str, Any]) -> tuple[Decimal, Decimal, Decimal]:
    """(P, S, cap) of a household from the shipped standards table (spec/eligibility.md §2)."""
    standard = load_standards().lookup(str(answers["region"]))
    total = Decimal(str(answers["household_annual_income"])) - Decimal(str(answers.get("insurance_contrib_annual") or 0))
    return total / Decimal(int(answers["household_size"])) / 12, standard.standard, standard.cap


def run_exports(db_url: str, out: Path) -> dict[str, Path]:
    """The ledger (xlsx), the 附件2 table and the printed 附件1 (html), written by `intake export` as staff do."""
    import subprocess
    import sys

    files = {"xlsx": out / "台账.xlsx", "stats": out / "附件2.xlsx", "html": out / "附件1.html"}
    for fmt, path in files.items():
        done = subprocess.run([sys.executable, "-m", "bot.cli", "export", "--format", fmt, "--out", str(path),
                               "--db", db_url], capture_output=True, text=True, timeout=120, cwd=out)
        assert done.returncode == 0 and path.exists(), done.stdout + done.stderr
    return files


def stats_rows(path: Path) -> dict[int, tuple[int, int]]:
    """附件2 as (户数, 人数) by row number 1–10."""
    import openpyxl

    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    found: dict[int, tuple[int, int]] = {}
    for i, row in enumerate(rows):
        if isinstance(row[0], int) and row[2] == "户数":
            found[row[0]] = (int(row[3]), int(rows[i + 1][3]))
    return found


def ledger_rows(path: Path) -> list[dict[str, Any]]:
    """The 电子台账 sheet as one dict per household, by Chinese column label."""
    import openpyxl

    sheet = openpyxl.load_workbook(path)["电子台账"]
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, row)) for row in sheet.iter_rows(min_row=2, values_only=True)]


def ticked_causes(html: str) -> dict[str, bool]:
    """The printed 附件1's 致困原因 boxes: '9.子女上学' → ticked (the first ten numbered boxes)."""
    boxes = re.findall(r"([☑☐]) (\d+)\.([^<（]+)", html)
    return {f"{n}.{name}": box == "☑" for box, n, name in boxes[:10]}


def check_schoolchild_exports(db_url: str, out: Path, worker: str) -> None:
    """子女上学 (paper code 9) reaches the ledger, 附件2 row 8 and the printed 附件1 — and 10.其他 is not ticked."""
    files = run_exports(db_url, out)
    row = next(r for r in ledger_rows(files["xlsx"]) if r["姓名"] == worker)
    assert "子女上学" in str(row["次要致困原因（最多选三项）"]), row
    assert "子女就读高中、大学困难职工家庭" in str(row["附件2统计标签"]), row
    assert stats_rows(files["stats"])[8][0] == 1
    sheets = files["html"].read_text(encoding="utf-8").split('<section class="sheet"')[1:]
    mine = [sheet for sheet in sheets if worker in sheet]
    assert len(mine) == 1, f"{len(mine)} printed sheets name {worker}"
    boxes = ticked_causes(mine[0])
    assert boxes["9.子女上学"] and boxes["3.下岗失业"] and boxes["6.重特大疾病"], boxes
    assert not boxes["10.其他"], boxes
