"""Staff exports read back: the XLSX ledger, CSV, printable 附件1 (HTML, PDF), filters, audit, CLI, daily delivery."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from flows.registry import Registry
from bot.service import IntakeService
from exports import form_pdf
from exports.columns import household_columns
from exports.daily import due, due_days, last_run, run_daily
from exports.form_pdf import PdfUnavailable, check_pdf_support
from exports.query import FilterError, Filters, parse_date
from exports.service import run_export
from flows.form import Field, Form
from storage.db import make_engine
from storage.migrate import ensure_schema
from storage.models import AuditLog, Interview, User
from tests.support.export_cases import CASES, UNIT_A, UNIT_B, X_ID, ZERO_CARD, ZERO_POSTCODE, populate

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, registry: Registry) -> Iterator[tuple[Engine, dict[str, Interview]]]:
    """One SQLite database with every case driven through the engine (plus a draft)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('exports') / 'intake.db'}"
    engine = make_engine(url)
    ensure_schema(engine)
    households = populate(IntakeService(engine, registry))
    yield engine, households
    engine.dispose()


@pytest.fixture(scope="module")
def ledger(world: tuple[Engine, dict[str, Interview]], registry: Registry,
           tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    """The default XLSX ledger, read back."""
    out = tmp_path_factory.mktemp("ledger") / "ledger.xlsx"
    result = run_export(world[0], fmt="xlsx", out=out, actor_id=None, registry=registry)
    assert result.rows == len(CASES)
    return openpyxl.load_workbook(out)


def _table(ws: Any) -> tuple[list[str], list[tuple[Any, ...]]]:
    rows = list(ws.iter_rows())
    return [c.value for c in rows[0]], rows[1:]


def _expected(f: Field, v: Any) -> Any:
    """What the ledger cell must hold for a stored answer (independent of the exporter's code)."""
    if v is None or v == "" or v == []:
        return None
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, list):
        return "、".join(v)
    if f.type in ("money", "number"):
        return float(v)
    if f.type in ("count", "months"):
        return int(v)
    if f.type == "date":
        parts = [int(p) for p in v.split("-")]
        return datetime(parts[0], parts[1], parts[2] if len(parts) > 2 else 1)
    return v


def test_ledger_headers_are_the_form_labels_in_form_order(ledger: openpyxl.Workbook, registry: Registry) -> None:
    form = registry.form("archive")
    ws = ledger["电子台账"]
    header, rows = _table(ws)
    labels = [f.label for s in form.sections for f in s.fields]
    assert header[:len(labels)] == labels
    assert header[0] == "职工编号" and header[1] == "困难类别" and header[2] == "姓名"
    assert header[len(labels):] == ["系统认定类别", "认定标准条款", "低保标准（S，元/人/月）", "低保边缘上限（元/人/月）",
                                    "附件2统计标签", "认定说明", "核对提示", "人工调整类别", "调整理由", "填报单位", "状态",
                                    "提交时间", "最后修改时间", "审核时间"]
    assert len(set(header)) == len(header)
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(header))}{len(rows) + 1}"
    assert ws.column_dimensions["G"].width >= 20  # 身份证号 is wide enough to read


def test_every_answer_is_in_its_labelled_column_with_the_right_type(
        ledger: openpyxl.Workbook, world: tuple[Engine, dict[str, Interview]], registry: Registry) -> None:
    form = registry.form("archive")
    header, rows = _table(ledger["电子台账"])
    by_ref = {r[0].value: dict(zip(header, r)) for r in rows}
    assert len(by_ref) == len(CASES)
    checked = 0
    for iv in world[1].values():
        cells = by_ref[iv.ref]
        answers = iv.state["answers"]
        for s in form.sections:
            for f in s.fields:
                if f.system:
                    continue
                want, cell = _expected(f, answers.get(f.key)), cells[f.label]
                assert cell.value == want, (iv.ref, f.label, cell.value, want)
                if want is None:
                    continue
                checked += 1
                if f.type in ("money", "number", "count", "months"):
                    assert cell.data_type == "n", (f.label, cell.data_type)
                    if f.type == "money":
                        assert cell.number_format == "0.00"
                elif f.type == "date":
                    assert cell.is_date, f.label
                else:
                    assert cell.data_type == "s", (f.label, cell.value)
    assert checked > 40 * len(CASES)


def test_identifiers_stay_text_and_dates_are_dates(ledger: openpyxl.Workbook,
                                                   world: tuple[Engine, dict[str, Interview]]) -> None:
    header, rows = _table(ledger["电子台账"])
    row = dict(zip(header, next(r for r in rows if r[0].value == world[1]["dibao"].ref)))
    for label, value in (("身份证号", X_ID), ("银行卡号", ZERO_CARD), ("邮政编码", ZERO_POSTCODE),
                         ("手机号码", "13912345678")):
        assert row[label].value == value and row[label].data_type == "s", label
    assert row["出生日期"].value == datetime(1978, 11, 20) and row["出生日期"].number_format == "yyyy-mm-dd"
    assert row["工作时间"].value == datetime(1995, 7, 1) and row["工作时间"].number_format == "yyyy-mm"
    assert row["提交时间"].value == datetime(2026, 11, 27, 10, 0)  # stored in UTC, shown in Shanghai time
    assert row["家庭月人均收入"].value == 500 and row["家庭月人均收入"].number_format == "0.00"
    assert row["家庭人口"].value == 2 and row["家庭人口"].data_type == "n"


def test_eligibility_result_and_override_columns(ledger: openpyxl.Workbook,
                                                 world: tuple[Engine, dict[str, Interview]]) -> None:
    header, rows = _table(ledger["电子台账"])
    by_ref = {r[0].value: {h: c.value for h, c in zip(header, r)} for r in rows}
    wang = by_ref[world[1]["wang_override"].ref]
    assert (wang["困难类别"], wang["系统认定类别"], wang["人工调整类别"]) == ("低保户", "低保边缘户", "低保户")
    assert wang["调整理由"] == "已领取临时低保，核实后按低保户统计"
    assert wang["认定标准条款"] == 3 and wang["家庭月人均收入"] == 600 and wang["低保标准（S，元/人/月）"] == 575
    assert wang["附件2统计标签"] == "下岗失业家庭、因大病致困家庭、子女就读高中、大学困难职工家庭、无住房困难职工家庭"
    assert "认定标准第3条" in wang["认定说明"] and "600.00" in wang["认定说明"]
    rich = by_ref[world[1]["rich"].ref]
    assert rich["困难类别"] is None and rich["系统认定类别"] == "不符合认定标准" and rich["认定标准条款"] is None
    js = by_ref[world[1]["jingshan"].ref]
    assert js["低保标准（S，元/人/月）"] == 500 and js["低保边缘上限（元/人/月）"] == 750
    assert js["填报单位"] == UNIT_B and js["状态"] == "已提交" and js["审核时间"] is None
    assert js["职工签字"].startswith("黄河（")


def test_members_sheet_has_one_row_per_member_with_the_household_ref(
        ledger: openpyxl.Workbook, world: tuple[Engine, dict[str, Interview]]) -> None:
    header, rows = _table(ledger["家庭成员"])
    assert header == ["职工编号", "职工姓名", "姓名", "关系", "性别", "政治面貌", "身份证号", "出生日期", "健康状况",
                      "月收入", "身份", "医保状况", "单位或学校", "关系（其他，注明）", "身份（其他，注明）"]
    assert len(rows) == sum(len(iv.state["answers"]["members"]) for iv in world[1].values())
    wang = world[1]["wang_override"]
    mine = [{h: c for h, c in zip(header, r)} for r in rows if r[0].value == wang.ref]
    assert [m["姓名"].value for m in mine] == ["李秀英", "王小明", "赵桂兰"]
    assert all(m["职工姓名"].value == "王建国" for m in mine)
    spouse_id = wang.state["answers"]["members"][0]["id_number"]
    assert mine[0]["身份证号"].value == spouse_id and mine[0]["身份证号"].data_type == "s"
    assert mine[2]["身份证号"].value is None  # 赵桂兰 has no ID number
    assert mine[1]["出生日期"].value == datetime(2003, 9, 15) and mine[1]["出生日期"].is_date
    assert mine[0]["月收入"].value == 800 and mine[0]["月收入"].number_format == "0.00"
    assert mine[1]["单位或学校"].value == "武汉大学"


def test_attachments_sheet_lists_type_name_and_file(ledger: openpyxl.Workbook,
                                                    world: tuple[Engine, dict[str, Interview]]) -> None:
    header, rows = _table(ledger["附件"])
    assert header == ["职工编号", "职工姓名", "附件文件", "附件类型", "附件名称", "备注", "附件类型（其他，注明）"]
    assert [[c.value for c in r] for r in rows] == [
        [world[1]["dibao"].ref, "陈丽", "attachments/2026/11/id_front.jpg", "身份证", "身份证正面", "正反面", None],
        [world[1]["dibao"].ref, "陈丽", "attachments/2026/11/dibao.pdf", "低保证", "低保证复印件", None, None],
    ]


def test_csv_has_bom_same_columns_and_text_identifiers(world: tuple[Engine, dict[str, Interview]],
                                                       registry: Registry, tmp_path: Path) -> None:
    result = run_export(world[0], fmt="csv", out=tmp_path / "ledger.csv", actor_id=None, registry=registry)
    main, members, attachments = result.paths
    assert members.name == "ledger_members.csv" and attachments.name == "ledger_attachments.csv"
    raw = main.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with main.open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0] == [c.header for c in household_columns(registry.form("archive"), tz=registry.tz)]
    assert len(table) == len(CASES) + 1
    row = dict(zip(table[0], next(r for r in table if r[0] == world[1]["dibao"].ref)))
    assert (row["身份证号"], row["银行卡号"], row["邮政编码"]) == (X_ID, ZERO_CARD, ZERO_POSTCODE)
    assert (row["家庭年度总收入"], row["出生日期"], row["工作时间"]) == ("12000.00", "1978-11-20", "1995-07")
    assert row["提交时间"] == "2026-11-27 10:00" and row["是否单亲"] == "否"
    with members.open(encoding="utf-8-sig", newline="") as fh:
        member_rows = list(csv.reader(fh))
    assert member_rows[0][:3] == ["职工编号", "职工姓名", "姓名"]
    assert len(member_rows) - 1 == sum(len(iv.state["answers"]["members"]) for iv in world[1].values())


def _html(world: tuple[Engine, dict[str, Interview]], registry: Registry, tmp_path: Path, **filters: Any) -> str:
    out = tmp_path / "archive.html"
    run_export(world[0], fmt="html", out=out, filters=Filters(**filters), actor_id=None, registry=registry)
    return out.read_text(encoding="utf-8")


def test_html_prints_every_label_and_value_of_the_form(world: tuple[Engine, dict[str, Interview]],
                                                       registry: Registry, tmp_path: Path) -> None:
    form: Form = registry.form("archive")
    html = _html(world, registry, tmp_path, unit=UNIT_B)
    wang_like = world[1]["jingshan"]
    assert html.count('class="sheet"') == 1
    for s in form.sections:
        for f in (s.group.fields if s.group else s.fields):
            if f.key.endswith("_other"):  # printed as the paper does: "其他（注明：…）" in its option list
                assert f.label.split("（")[0] in html, f.label
            elif f.type != "file":
                assert f.label in html, f.label
    assert html.count("其他（注明") == 3
    answers = wang_like.state["answers"]
    for key, value in answers.items():
        if key == "members":
            for member in value:
                for v in member.values():
                    if v is not None:
                        assert str(v) in html, (key, v)
        elif isinstance(value, str) and key != "relief_target_date":
            assert value in html, (key, value)
        elif isinstance(value, list):
            assert all(v in html for v in value), key
    assert "2026 年 11 月 29 日" in html and "☑ 是" in html and "☐ 否" in html
    assert wang_like.ref in html and "低保边缘户" in html and "认定标准第3条" in html


def test_html_marks_causes_and_help_plan_boxes(world: tuple[Engine, dict[str, Interview]], registry: Registry,
                                               tmp_path: Path) -> None:
    html = _html(world, registry, tmp_path, date_from=date(2026, 11, 29))
    page = html[html.index(f'id="household-{world[1]["wang_override"].ref}"'):]
    page = page[:page.index("</section>")]
    assert "☑ 3.下岗失业（主要）" in page and "☑ 6.重特大疾病（次要）" in page and "☑ 9.子女上学（次要）" in page
    assert "☐ 1.无劳动能力" in page and "☐ 10.其他" in page
    assert "☑ 1.低保范围内有劳动能力而未充分就业" in page and "☐ 2.收入或生活水平低于低保线而未纳入低保" in page
    assert "☑ 6.其他（注明：社区就业岗位推荐）" in page
    assert "人工调整类别：低保户" in page
    assert "size: A4 landscape" in html and ".sheet + .sheet { break-before: page; }" in html


def _pdf_ready() -> None:
    try:
        check_pdf_support()
    except PdfUnavailable as exc:
        pytest.skip(str(exc))
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")


def test_pdf_has_one_page_per_household_with_chinese_text(world: tuple[Engine, dict[str, Interview]],
                                                          registry: Registry, tmp_path: Path) -> None:
    _pdf_ready()
    from pypdf import PdfReader

    out = tmp_path / "batch.pdf"
    result = run_export(world[0], fmt="pdf", out=out, filters=Filters(unit=UNIT_A, date_to=date(2026, 11, 28)),
                        actor_id=None, registry=registry)
    assert result.rows == 4
    assert len(PdfReader(str(out)).pages) == 4
    for page, key in enumerate(("dibao", "edge1", "edge3", "sudden"), 1):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(out), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert "困难城镇职工档案表" in text and world[1][key].worker_name in text and world[1][key].ref in text
    one = tmp_path / "one.pdf"
    run_export(world[0], fmt="pdf", out=one, filters=Filters(unit=UNIT_B), actor_id=None, registry=registry)
    assert len(PdfReader(str(one)).pages) == 1


def test_pdf_without_a_chinese_font_or_weasyprint_says_what_to_install(
        world: tuple[Engine, dict[str, Interview]], registry: Registry, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(form_pdf, "has_cjk_font", lambda: False)
    with pytest.raises(PdfUnavailable, match="fonts-noto-cjk") as err:
        run_export(world[0], fmt="pdf", out=tmp_path / "x.pdf", actor_id=None, registry=registry)
    assert "中文字体" in str(err.value) and "html" in str(err.value)
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint now raises ImportError
    with pytest.raises(PdfUnavailable, match="libpango-1.0-0") as err:
        run_export(world[0], fmt="pdf", out=tmp_path / "x.pdf", actor_id=None, registry=registry)
    assert "WeasyPrint" in str(err.value)
    assert not (tmp_path / "x.pdf").exists()
    assert run_export(world[0], fmt="html", out=tmp_path / "x.html", actor_id=None, registry=registry).rows == 13


@pytest.mark.parametrize(("filters", "keys"), [
    (Filters(), [c.key for c in CASES]),
    (Filters(unit=UNIT_B), ["jingshan"]),
    (Filters(region="京山市"), ["jingshan"]),
    (Filters(date_from=date(2026, 11, 27), date_to=date(2026, 11, 27)), ["dibao", "edge1"]),
    (Filters(date_to=date(2026, 11, 28)), ["dibao", "edge1", "edge3", "sudden"]),
    (Filters(status="approved"), []),
    (Filters(status="submitted", unit=UNIT_A, date_from=date(2026, 11, 28), date_to=date(2026, 11, 28)),
     ["edge3", "sudden"]),
])
def test_filters_select_the_right_households(world: tuple[Engine, dict[str, Interview]], registry: Registry,
                                             tmp_path: Path, filters: Filters, keys: list[str]) -> None:
    out = tmp_path / "f.xlsx"
    result = run_export(world[0], fmt="xlsx", out=out, filters=filters, actor_id=None, registry=registry)
    _, rows = _table(openpyxl.load_workbook(out)["电子台账"])
    assert [r[0].value for r in rows] == [world[1][k].ref for k in keys]
    assert result.rows == len(keys)


def test_status_all_includes_the_unfinished_draft(world: tuple[Engine, dict[str, Interview]], registry: Registry,
                                                  tmp_path: Path) -> None:
    out = tmp_path / "all.xlsx"
    result = run_export(world[0], fmt="xlsx", out=out, filters=Filters(status="all"), actor_id=None,
                        registry=registry)
    _, rows = _table(openpyxl.load_workbook(out)["电子台账"])
    assert result.rows == len(CASES) + 1
    assert rows[-1][0].value is None and rows[-1][2].value == "草稿人"


def test_bad_filters_are_refused_with_an_example() -> None:
    with pytest.raises(FilterError, match="2026-11-01"):
        parse_date("2026-13-01")
    assert parse_date("2026/11/05") == date(2026, 11, 5) == parse_date("20261105")
    with pytest.raises(FilterError, match="请对调"):
        Filters(date_from=date(2026, 11, 30), date_to=date(2026, 11, 1))
    with pytest.raises(FilterError, match="submitted"):
        Filters(status="open")  # type: ignore[arg-type]


def test_every_export_is_audited(world: tuple[Engine, dict[str, Interview]], registry: Registry,
                                 tmp_path: Path) -> None:
    filters = Filters(unit=UNIT_B, date_from=date(2026, 11, 1))
    run_export(world[0], fmt="stats", out=tmp_path / "s.xlsx", filters=filters, actor_id=42, registry=registry)
    with Session(world[0]) as s:
        entry = s.exec(select(AuditLog).where(AuditLog.action == "export").order_by(col(AuditLog.id).desc())).first()
    assert entry is not None and entry.actor_id == 42
    assert entry.detail["format"] == "stats" and entry.detail["rows"] == 1
    assert entry.detail["filters"]["unit"] == UNIT_B and entry.detail["filters"]["date_from"] == "2026-11-01"
    assert entry.detail["files"] == ["s.xlsx"]


def test_cli_export_writes_the_file_and_prints_the_count(world: tuple[Engine, dict[str, Interview]],
                                                         tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.cli import main

    monkeypatch.chdir(tmp_path)
    out = tmp_path / "cli.xlsx"
    url = str(world[0].url)
    assert main(["export", "--format", "xlsx", "--out", str(out), "--db", url, "--unit", UNIT_B]) == 0
    printed = capsys.readouterr().out
    assert str(out) in printed and "1 户" in printed
    assert openpyxl.load_workbook(out)["电子台账"].max_row == 2
    assert main(["export", "--format", "csv", "--out", str(tmp_path / "c.csv"), "--db", url,
                 "--from", "2026-11-30", "--to", "2026-11-01"]) == 2
    assert "请对调" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["export", "--format", "docx", "--out", str(out), "--db", url])


@pytest.mark.parametrize(("now", "last", "days"), [
    (datetime(2026, 11, 29, 17, 59, tzinfo=SH), date(2026, 11, 28), []),
    (datetime(2026, 11, 29, 18, 0, tzinfo=SH), date(2026, 11, 28), [date(2026, 11, 29)]),
    (datetime(2026, 11, 29, 18, 30, tzinfo=SH), date(2026, 11, 29), []),
    (datetime(2026, 11, 29, 9, 0, tzinfo=SH), None, [date(2026, 11, 28)]),
    (datetime(2026, 11, 29, 10, 5, tzinfo=ZoneInfo("UTC")), date(2026, 11, 27), [date(2026, 11, 28), date(2026, 11, 29)]),
    (datetime(2026, 12, 31, 19, 0, tzinfo=SH), date(2026, 11, 1), [date(2026, 12, 18) + timedelta(i) for i in range(14)]),
])
def test_daily_due_days(now: datetime, last: date | None, days: list[date]) -> None:
    assert due_days(now, last, at="18:00", tz=str(SH)) == days
    assert due(now, last, at="18:00", tz=str(SH)) is bool(days)


def test_daily_delivery_sends_each_staff_member_their_units_day_once(
        world: tuple[Engine, dict[str, Interview]], registry: Registry, tmp_path: Path) -> None:
    engine = world[0]
    service = IntakeService(engine, registry)
    second = service.user(local_name="staff-a2", name="王干事")
    with Session(engine, expire_on_commit=False) as s:
        from storage import repo
        repo.set_role(s, user=second, role="staff", unit=UNIT_A, actor_id=None)
    sent: list[tuple[int, Path, str]] = []

    class Crash(BaseException):
        """The process dies in the middle of the run."""

    def crashing_send(user: User, path: Path, caption: str) -> None:
        if user.id == second.id:
            raise Crash
        sent.append((user.id or 0, path, caption))

    now = datetime(2026, 11, 29, 18, 5, tzinfo=SH)
    with pytest.raises(Crash):
        run_daily(engine, registry, now, crashing_send, at="18:00", out_dir=tmp_path)
    assert last_run(engine) is None  # the day is not finished
    first_user = sent[0][0]
    assert [s[0] for s in sent] == [first_user, first_user]

    def send(user: User, path: Path, caption: str) -> None:
        sent.append((user.id or 0, path, caption))

    run_daily(engine, registry, now, send, at="18:00", out_dir=tmp_path)  # the restart
    assert [s[0] for s in sent] == [first_user, first_user, second.id, second.id]  # nobody got the day twice
    assert last_run(engine) == date(2026, 11, 29)
    ledger_path, stats_path = sent[2][1], sent[3][1]
    assert "8 户" in sent[2][2] and UNIT_A in sent[2][2] and "附件2" in sent[3][2]
    _, rows = _table(openpyxl.load_workbook(ledger_path)["电子台账"])
    day_keys = [c.key for c in CASES if c.unit == UNIT_A and c.day == 29]
    assert [r[0].value for r in rows] == [world[1][k].ref for k in day_keys]
    stats = openpyxl.load_workbook(stats_path).active
    assert stats["A2"].value == f"填报单位：{UNIT_A}" and stats["C2"].value == "联系人：王干事"
    assert stats["D22"].value == sum(1 for k in day_keys if world[1][k].category or world[1][k].override_category)
    run_daily(engine, registry, now, send, at="18:00", out_dir=tmp_path)
    run_daily(engine, registry, datetime(2026, 11, 30, 18, 1, tzinfo=SH), send, at="18:00", out_dir=tmp_path)
    assert len(sent) == 4  # same day again: nothing; next day: nothing new in the unit, so no files
    assert last_run(engine) == date(2026, 11, 30)


def _forget_daily_runs(engine: Engine) -> None:
    """The world fixture is shared: start each delivery test with no day delivered yet."""
    from sqlalchemy import delete

    from storage.models import JobRun
    with Session(engine) as s:
        s.execute(delete(JobRun).where(col(JobRun.name).like("daily_export%")))
        s.commit()


def test_a_failed_daily_send_is_tried_again_later_a_bounded_number_of_times(
        world: tuple[Engine, dict[str, Interview]], registry: Registry, tmp_path: Path) -> None:
    from exports import daily

    engine = world[0]
    _forget_daily_runs(engine)
    attempts: list[int] = []

    def failing(user: User, path: Path, caption: str) -> None:
        attempts.append(user.id or 0)
        raise ConnectionError("Bot API unreachable")

    start = datetime(2026, 11, 29, 18, 5, tzinfo=SH)
    run_daily(engine, registry, start, failing, at="18:00", out_dir=tmp_path)
    first = len(attempts)
    assert first >= 1 and last_run(engine) is None, "the day stays owed"
    run_daily(engine, registry, start + timedelta(minutes=1), failing, at="18:00", out_dir=tmp_path)
    assert len(attempts) == first, "not again within the retry gap"
    for k in range(1, daily.MAX_ATTEMPTS + 1):
        run_daily(engine, registry, start + daily.RETRY_AFTER * k + timedelta(seconds=1), failing, at="18:00",
                  out_dir=tmp_path)
    assert len(attempts) == first * daily.MAX_ATTEMPTS, "each recipient is tried MAX_ATTEMPTS times in all"
    assert last_run(engine) == date(2026, 11, 29), "then the day is closed instead of blocking later days"


def test_a_send_that_recovers_delivers_the_day_once(
        world: tuple[Engine, dict[str, Interview]], registry: Registry, tmp_path: Path) -> None:
    from exports import daily

    engine = world[0]
    _forget_daily_runs(engine)
    sent: list[int] = []
    down = {"on": True}

    def flaky(user: User, path: Path, caption: str) -> None:
        if down["on"]:
            raise ConnectionError("Bot API unreachable")
        sent.append(user.id or 0)

    start = datetime(2026, 11, 29, 18, 5, tzinfo=SH)
    run_daily(engine, registry, start, flaky, at="18:00", out_dir=tmp_path)
    down["on"] = False
    run_daily(engine, registry, start + daily.RETRY_AFTER + timedelta(seconds=1), flaky, at="18:00", out_dir=tmp_path)
    assert sent and len(sent) == len(set(sent)) * 2  # ledger + 附件2, once per recipient
    assert last_run(engine) == date(2026, 11, 29)
