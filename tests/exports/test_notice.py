"""公示 as the notice means it: approved households that meet a criterion and are 解困脱困对象, with the
公示期 (from–to) and the unit's contact for objections; households driven through the engine."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from bot.service import IntakeService
from exports.notice import write_notice
from storage import units
from storage.models import User
from tests.support.export_cases import CASES
from tests.support.factory import UNIT, approve, load, make_team, override
from tests.support.household import approved, submit
from tests.support.plans import household

NOT_ELIGIBLE = next(c for c in CASES if c.key == "rich")  # P = 2000: meets no criterion


@pytest.fixture
def team(service: IntakeService) -> dict[str, User]:
    return make_team(service)


def _texts(path: Path) -> list[str]:
    return [str(c.value) for row in openpyxl.load_workbook(path).active.iter_rows() for c in row if c.value]


def test_the_notice_leaves_out_the_ineligible_and_the_non_targets_and_carries_the_dates(
        service: IntakeService, team: dict[str, User], tmp_path: Path) -> None:
    wang = approved(service, team["surveyor"], team["staff"])
    rich = submit(service, team["surveyor"], NOT_ELIGIBLE.plan)
    approve(service, rich, team["staff"])
    no_target = approved(service, team["surveyor"], team["staff"], household(
        name="郑小军", id_number="420802198506062227", relief_target="否"))
    rescued = submit(service, team["surveyor"], dict(NOT_ELIGIBLE.plan, name="赵大勇",
                                                     id_number="42080219781120002X"))
    override(service, rescued, category="意外致困户", reason="入户核实：突发重病", actor=team["staff"])
    approve(service, rescued, team["staff"])
    assert load(service, rich).eligible is False and load(service, no_target).eligible is True

    for field, value in (("contact", "李干"), ("phone", "0724 237 2244"), ("notice_days", "5天")):
        units.set_value(service.db, actor=team["staff"], unit=UNIT, field=field, text=value)
    out = tmp_path / "notice.xlsx"
    n = write_notice(service.db, unit=UNIT, out_path=out, fmt="xlsx", actor_id=team["staff"].id or 0,
                     on=date(2026, 12, 1))
    cells = _texts(out)
    assert n == 2
    assert "王*国" in cells and "赵*勇" in cells, "eligible, and overridden to a category by staff"
    assert "高*" not in cells and "郑*军" not in cells, "不符合认定标准 and 解困脱困对象 = 否 are not listed"
    text = "".join(cells)
    assert "公示期：2026年12月01日至2026年12月05日（5天）" in text
    assert "联系人：李干" in text and "联系电话：0724 237 2244" in text
    assert load(service, wang).status == "approved"


def test_the_notice_says_the_contact_is_missing_rather_than_printing_nothing(
        service: IntakeService, team: dict[str, User], tmp_path: Path) -> None:
    approved(service, team["surveyor"], team["staff"])
    out = tmp_path / "notice.html"
    write_notice(service.db, unit=UNIT, out_path=out, fmt="html", actor_id=team["staff"].id or 0,
                 on=date(2026, 12, 1))
    page = out.read_text(encoding="utf-8")
    assert "公示期：2026年12月01日至2026年12月07日（7天）" in page, "7 days when the unit set none"
    assert "联系人和联系电话未设置" in page and "/unit" in page


def test_the_notice_pdf_writes_no_weasyprint_log_lines(service: IntakeService, team: dict[str, User],
                                                       tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from exports.form_pdf import PdfUnavailable, check_pdf_support

    try:
        check_pdf_support()
    except PdfUnavailable as exc:
        pytest.skip(str(exc))
    import logging

    approved(service, team["surveyor"], team["staff"])
    with caplog.at_level(logging.DEBUG):
        write_notice(service.db, unit=UNIT, out_path=tmp_path / "n.pdf", fmt="pdf", actor_id=team["staff"].id or 0)
    noise = [r for r in caplog.records if r.name.startswith(("weasyprint", "fontTools"))]
    assert noise == [], [r.getMessage() for r in noise[:3]]
    assert (tmp_path / "n.pdf").read_bytes()[:4] == b"%PDF"
