"""Exports as they come out of a printer: each file opened and printed to PDF by LibreOffice headless (or
WeasyPrint for the PDFs we write), then its pages counted and its text read back — nothing cut, nothing broken.

One SQLite world for the module (13 households driven through the engine, one unit's contact set through
storage.units as the bot and the CLI set it): building it is the slow part.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.service import IntakeService
from exports.form_pdf import PdfUnavailable, check_pdf_support
from exports.notice import write_notice
from exports.query import Filters
from exports.service import run_export
from storage import units
from storage.models import Interview
from tests.support.export_cases import UNIT_A, populate
from tests.support.factory import approve, fixed_registry, make_service, make_user
from tests.support.office import pages, text, to_pdf

CONTACT, PHONE, FULL_NAME = "李干", "0724-2372244", "荆门市东宝区总工会"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[IntakeService, dict[str, Interview]]:
    folder = tmp_path_factory.mktemp("printed")
    service = make_service(f"sqlite:///{folder / 'intake.db'}", fixed_registry())
    households = populate(service)
    staff = make_user(service, "staff", UNIT_A, local_name="printer-staff")
    for field, value in (("contact", CONTACT), ("phone", PHONE), ("full_name", FULL_NAME)):
        units.set_value(service.db, actor=staff, unit=UNIT_A, field=field, text=value)
    for iv in households.values():
        if iv.unit == UNIT_A:
            approve(service, iv.id or 0, staff)
    return service, households


def test_the_stats_table_prints_on_one_page_with_the_contact_line_whole(world: tuple, tmp_path: Path) -> None:
    service, _ = world
    out = tmp_path / "附件2.xlsx"
    run_export(service.db, fmt="stats", out=out, filters=Filters(unit=UNIT_A), actor_id=None,
               registry=service.registry)
    pdf = to_pdf(out)
    assert pages(pdf) == 1
    printed = text(pdf)
    for whole in (f"填报单位：{FULL_NAME}", f"联系人：{CONTACT}", f"联系电话：{PHONE}"):
        assert whole in printed, whole


def test_the_contact_line_stays_inside_the_table(world: tuple, tmp_path: Path) -> None:
    """The phone ends left of the table's right border: the numbers of 数量 are right-aligned against it."""
    import subprocess

    service, _ = world
    out = tmp_path / "stats.xlsx"
    run_export(service.db, fmt="stats", out=out, filters=Filters(unit=UNIT_A), actor_id=None,
               registry=service.registry)
    pdf = to_pdf(out)
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    words = [(m.group(3), float(m.group(2))) for m in
             re.finditer(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', boxes)]
    phone_end = max(x for w, x in words if PHONE in w)
    border = max(x for w, x in words if w.isdigit())  # 户数/人数 figures end at the right border
    assert phone_end <= border + 1, (phone_end, border)


def test_the_ledger_prints_landscape_in_far_fewer_pages_with_ids_whole(world: tuple, tmp_path: Path) -> None:
    service, households = world
    out = tmp_path / "台账.xlsx"
    result = run_export(service.db, fmt="xlsx", out=out, filters=Filters(unit=UNIT_A), actor_id=None,
                        registry=service.registry)
    assert result.rows == 12
    pdf = to_pdf(out)
    pypdf = pytest.importorskip("pypdf")
    first = pypdf.PdfReader(str(pdf)).pages[0]
    assert float(first.mediabox.width) > float(first.mediabox.height), "A4 landscape"
    assert pages(pdf) <= 34, "37 portrait pages of 3 columns for 10 households before the page setup"
    printed = text(pdf)
    for iv in households.values():
        if iv.unit == UNIT_A:
            assert iv.id_number and iv.id_number in printed, iv.worker_name
            assert printed.count(iv.ref or "") >= 2, "职工编号 is repeated on every page across"


def test_member_ids_are_never_broken_in_the_printed_form(world: tuple, tmp_path: Path) -> None:
    try:
        check_pdf_support()
    except PdfUnavailable as exc:
        pytest.skip(str(exc))
    service, households = world
    out = tmp_path / "附件1.pdf"
    run_export(service.db, fmt="pdf", out=out, filters=Filters(unit=UNIT_A), actor_id=None, registry=service.registry)
    printed = text(out)
    member_ids = {m["id_number"] for iv in households.values() if iv.unit == UNIT_A
                  for m in (iv.state["answers"].get("members") or []) if m.get("id_number")}
    assert member_ids, "the cases have members with ID numbers"
    for number in member_ids:
        assert number in printed, number


def test_the_notice_prints_on_one_page_with_dates_and_contact(world: tuple, tmp_path: Path) -> None:
    service, _ = world
    staff = service.user(local_name="printer-staff")
    out = tmp_path / "公示.xlsx"
    listed = write_notice(service.db, unit=UNIT_A, out_path=out, fmt="xlsx", actor_id=staff.id or 0,
                          registry=service.registry)
    assert listed == 10, "12 approved in the unit, 2 of them meet no criterion"
    pdf = to_pdf(out)
    assert pages(pdf) == 1
    printed = text(pdf)
    assert "公示期：2026年11月29日至2026年12月05日（7天）" in printed
    assert f"联系人：{CONTACT}" in printed and f"联系电话：{PHONE}" in printed
    assert f"{FULL_NAME}困难职工精准帮扶对象公示" in printed


def test_a_pdf_batch_is_rendered_in_chunks_and_joined_in_order(world: tuple, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        check_pdf_support()
    except PdfUnavailable as exc:
        pytest.skip(str(exc))
    from exports import form_pdf
    from exports.query import connection, stream_households

    service, households = world
    rendered: list[int] = []
    real = form_pdf.render_html
    monkeypatch.setattr(form_pdf, "render_html", lambda rows, *a, **k: rendered.append(len(rows)) or real(rows, *a, **k))
    out = tmp_path / "batch.pdf"
    with connection(service.db) as conn:
        rows = stream_households(conn, Filters().in_zone(service.registry.tz))
        count = form_pdf.write_pdf(rows, service.registry.archive_form(), out, chunk=5)
        whole = tmp_path / "whole.pdf"
        form_pdf.write_pdf(stream_households(conn, Filters().in_zone(service.registry.tz)),
                           service.registry.archive_form(), whole, chunk=100)
    assert count == 13 and rendered == [5, 5, 3, 13], "three WeasyPrint documents of at most 5 households"
    assert pages(out) == pages(whole) >= 13, "the same pages as one document"
    printed = text(out)
    refs = sorted((iv.ref or "", iv.worker_name) for iv in households.values())
    positions = [printed.index(ref) for ref, _ in refs]
    assert positions == sorted(positions), "the households in 职工编号 order across the parts"
