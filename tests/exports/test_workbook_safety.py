"""Worker-typed text stays text in every XLSX we write: no formula, no link (issue 13, finding 4).

The 公示 notice is printed and posted in public; a 工作单位 typed as ``=HYPERLINK(...)`` once became a
live link there. Each export is read back with openpyxl and its raw sheet XML is searched for formulas.
"""

from __future__ import annotations

import ast
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from bot.service import IntakeService
from exports.notice import NoticeRow, write_notice, write_xlsx
from exports.service import run_export
from exports.stats import StatRow
from exports.stats_xlsx import Reporter, write_stats
from storage.units import UnitInfo
from tests.support.factory import make_service, make_team
from tests.support.household import approved
from tests.support.plans import household

ROOT = Path(__file__).resolve().parents[2]
PAYLOADS = ('=HYPERLINK("http://evil.example","点我")', "=cmd|' /C calc'!A0", "=张三丰", "+1", "@SUM(1)")
# Free-text answers of the archive form that land in the ledger, one payload each.
FIELDS = ("employer", "address", "remarks", "help_person", "bank_branch")


def _assert_all_text(path: Path, expected: tuple[str, ...] = PAYLOADS) -> None:
    """Every payload is present as a plain text cell; the file holds no formula and no hyperlink."""
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
        for name in sheets:
            xml = z.read(name).decode("utf-8")
            assert "<f>" not in xml and "<f " not in xml, f"a formula in {name}"
            assert "<hyperlink" not in xml, f"a hyperlink in {name}"
        assert not [n for n in z.namelist() if "externalLink" in n]
    found: dict[str, str] = {}
    book = openpyxl.load_workbook(path)
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value in expected:
                    assert c.hyperlink is None, c.coordinate
                    found[c.value] = c.data_type
    assert found == {p: "s" for p in expected}


@pytest.fixture
def world(tmp_path: Path) -> tuple[IntakeService, dict, int]:
    service = make_service(f"sqlite:///{tmp_path / 'intake.db'}")
    team = make_team(service)
    plan = household(**dict(zip(FIELDS, PAYLOADS)))
    hid = approved(service, team["surveyor"], team["staff"], plan)
    return service, team, hid


def test_the_ledger_keeps_typed_formulas_as_text(world: tuple[IntakeService, dict, int], tmp_path: Path) -> None:
    service, _, _ = world
    out = tmp_path / "ledger.xlsx"
    run_export(service.db, fmt="xlsx", out=out, actor_id=None, registry=service.registry)
    _assert_all_text(out)


def test_the_stats_table_keeps_labels_and_reporter_as_text(tmp_path: Path) -> None:
    out = tmp_path / "stats.xlsx"
    rows = [StatRow(no=i + 1, label=p, households=1, people=2) for i, p in enumerate(PAYLOADS)]
    write_stats(rows, out, reporter=Reporter(unit="=A1", contact="=B1", phone="+86"), scope="=C1", generated="x")
    _assert_all_text(out)


def test_the_stats_export_through_the_service_has_no_formula(world: tuple[IntakeService, dict, int],
                                                            tmp_path: Path) -> None:
    service, _, _ = world
    out = tmp_path / "stats.xlsx"
    run_export(service.db, fmt="stats", out=out, actor_id=None, registry=service.registry,
               reporter=Reporter(unit=PAYLOADS[0], contact=PAYLOADS[2], phone=PAYLOADS[3]))
    _assert_all_text(out, expected=())


def test_the_public_notice_keeps_every_cell_as_text(tmp_path: Path) -> None:
    out = tmp_path / "notice.xlsx"
    rows = [NoticeRow(n=i + 1, name=p, employer=p, category=p, household_size=3) for i, p in enumerate(PAYLOADS)]
    info = UnitInfo(unit="=东宝区总工会", full_name="=东宝区总工会", contact=PAYLOADS[2], phone=PAYLOADS[3], notice_days=7)
    write_xlsx(rows, info=info, on=date(2026, 12, 1), out_path=out)
    _assert_all_text(out)
    sheet = openpyxl.load_workbook(out).active
    numbers = [r[0].value for r in sheet.iter_rows() if isinstance(r[0].value, int)]
    assert numbers == [1, 2, 3, 4, 5], "序号 stays a number"


def test_the_notice_of_a_real_household_has_the_employer_as_text(world: tuple[IntakeService, dict, int],
                                                                tmp_path: Path) -> None:
    service, team, _ = world
    out = tmp_path / "notice.xlsx"
    assert write_notice(service.db, unit=team["staff"].unit, out_path=out, fmt="xlsx",
                        actor_id=team["staff"].id or 0) == 1
    _assert_all_text(out, expected=(PAYLOADS[0],))


def test_the_notice_pdf_carries_no_link(world: tuple[IntakeService, dict, int], tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    pypdf = pytest.importorskip("pypdf")
    service, team, _ = world
    out = tmp_path / "notice.pdf"
    write_notice(service.db, unit=team["staff"].unit, out_path=out, fmt="pdf", actor_id=team["staff"].id or 0)
    reader = pypdf.PdfReader(out)
    text = "".join(p.extract_text() for p in reader.pages)
    assert "HYPERLINK" in text, "the typed text is printed as it was typed"
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            assert "/URI" not in str(annot.get_object().get("/A", {})), "a live link in the PDF"
    assert b"evil.example\x29" not in out.read_bytes() and b"/URI" not in out.read_bytes()


def _workbook_constructors(path: Path) -> list[int]:
    """Lines of ``path`` that call ``Workbook(...)`` (xlsxwriter.Workbook or an imported Workbook)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            if name == "Workbook":
                lines.append(node.lineno)
    return lines


def test_only_the_factory_constructs_an_xlsxwriter_workbook() -> None:
    # bench/export_bench.py times our ledger against bare xlsxwriter: that baseline is the one exception.
    allowed = {ROOT / "exports" / "workbook.py", ROOT / "bench" / "export_bench.py"}
    offenders = []
    for package in ("bot", "exports", "storage", "flows", "bench"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path not in allowed and _workbook_constructors(path):
                offenders.append(f"{path.relative_to(ROOT)}:{_workbook_constructors(path)}")
    assert offenders == [], "use exports.workbook.open_workbook: " + ", ".join(offenders)
    assert _workbook_constructors(ROOT / "exports" / "workbook.py"), "the factory itself is found by the scan"
