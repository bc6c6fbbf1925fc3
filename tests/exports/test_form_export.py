"""The ledger export takes a form key: a test-only form whose entry: block asks for the ledger is exported
with its own fields as columns, and only its records; forms nothing covers, and 附件2 of any form but the
household form, are refused with a message naming the forms that can be exported."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest

from bot.service import IntakeService
from exports.query import FilterError, Filters
from exports.service import run_export
from flows.catalog import t
from flows.registry import load_registry
from tests.support.factory import UNIT, make_service, make_user
from tests.support.household import drive, follow
from tests.support.visit_form import VISIT_PLAN, VISIT_YAML, visit_registry


@pytest.fixture
def visits(sqlite_url: str) -> IntakeService:
    """Two submitted visit_log records, one archive household, one visit left as a draft."""
    service = make_service(sqlite_url, visit_registry())
    surveyor = make_user(service, "surveyor", UNIT)
    for note in ("入户看望，送去慰问金", "电话回访"):
        reply = service.start_interview(user=surveyor, kind="survey", form_key="visit_log")
        follow(service, surveyor, reply, {**VISIT_PLAN, "visit_note": note})
    service.start_interview(user=surveyor, kind="survey", form_key="visit_log")  # a draft: not in the ledger
    drive(service, surveyor)  # the archive household (王建国)
    return service


def rows(path: Path) -> list[list[object]]:
    sheet = openpyxl.load_workbook(path).worksheets[0]
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_the_ledger_of_a_test_only_form_has_its_own_columns(visits: IntakeService, tmp_path: Path) -> None:
    result = run_export(visits.db, fmt="xlsx", out=tmp_path / "visits.xlsx", filters=Filters(form_key="visit_log"),
                        actor_id=None, registry=visits.registry)
    assert result.rows == 2
    table = rows(tmp_path / "visits.xlsx")
    header = next(r for r in table if "走访情况" in r)
    assert header[:2] == ["走访情况", "走访次数"]
    assert "姓名" not in header and "身份证号" not in header  # none of the archive's columns
    cells = [c for r in table for c in r]
    assert "入户看望，送去慰问金" in cells and "电话回访" in cells and "王建国" not in cells


def test_the_csv_ledger_of_a_test_only_form(visits: IntakeService, tmp_path: Path) -> None:
    result = run_export(visits.db, fmt="csv", out=tmp_path / "visits.csv", filters=Filters(form_key="visit_log"),
                        actor_id=None, registry=visits.registry)
    lines = list(csv.reader((tmp_path / "visits.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert result.rows == 2 and lines[0][:2] == ["走访情况", "走访次数"]
    assert sorted(line[0] for line in lines[1:]) == ["入户看望，送去慰问金", "电话回访"]
    assert [p.name for p in result.paths] == ["visits.csv"]  # no group tables: the form has no groups


def test_the_default_export_is_still_the_archive(visits: IntakeService, tmp_path: Path) -> None:
    result = run_export(visits.db, fmt="xlsx", out=tmp_path / "ledger.xlsx", actor_id=None, registry=visits.registry)
    cells = [c for r in rows(tmp_path / "ledger.xlsx") for c in r]
    assert result.rows == 1 and "王建国" in cells and "身份证号" in cells and "走访情况" not in cells


@pytest.mark.parametrize("fmt, key", [("stats", "visit_log"), ("html", "visit_log"), ("xlsx", "followup"),
                                      ("xlsx", "nosuch")])
def test_what_no_export_covers_is_refused(visits: IntakeService, tmp_path: Path, fmt: str, key: str) -> None:
    with pytest.raises(FilterError, match=key) as err:
        run_export(visits.db, fmt=fmt, out=tmp_path / f"x.{fmt}", filters=Filters(form_key=key), actor_id=None,
                   registry=visits.registry)
    covered = "archive、visit_log" if fmt in ("xlsx", "csv") else "archive"
    assert str(err.value) == t("form.entry.not_exported", key=key, fmt=fmt, keys=covered)


def test_a_form_without_ledger_in_its_entry_is_not_exported(sqlite_url: str, tmp_path: Path) -> None:
    quiet = VISIT_YAML.replace(", export: [ledger]}", "}")
    service = make_service(sqlite_url, load_registry(extra_forms={"visit_log": quiet}))
    with pytest.raises(FilterError, match="visit_log"):
        run_export(service.db, fmt="xlsx", out=tmp_path / "x.xlsx", filters=Filters(form_key="visit_log"),
                   actor_id=None, registry=service.registry)


def test_intake_export_takes_a_form_key(tmp_path: Path) -> None:
    import subprocess
    import sys
    db = f"sqlite:///{tmp_path / 'cli.db'}"

    def intake(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bot.cli", "export", "--db", db, *args], capture_output=True,
                              text=True, cwd=Path(__file__).resolve().parents[2], timeout=120)

    refused = intake("--format", "xlsx", "--form", "followup", "--out", str(tmp_path / "f.xlsx"))
    assert refused.returncode == 2 and "followup" in refused.stderr and not (tmp_path / "f.xlsx").exists()
    written = intake("--format", "xlsx", "--form", "archive", "--out", str(tmp_path / "a.xlsx"))
    assert written.returncode == 0, written.stderr
    assert (tmp_path / "a.xlsx").exists()
