"""Unit settings (storage.units): who may change them, what a typed value becomes, the city's values as the
fallback, every change audited; and `intake unit` / `intake export --format stats` reading them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import Session, select

from bot.service import IntakeService
from flows.policy import AccessDenied
from storage import units
from storage.models import AuditLog
from tests.support.factory import OTHER_UNIT, UNIT, make_team, make_user


def test_staff_set_their_unit_admins_any_and_the_city_row(service: IntakeService) -> None:
    team = make_team(service)
    admin = team["admin"]
    units.set_value(service.db, actor=team["staff"], unit=UNIT, field="contact", text=" 李干 ")
    units.set_value(service.db, actor=team["staff"], unit=UNIT, field="phone", text="（0724）2372244")
    units.set_value(service.db, actor=admin, unit=units.CITY, field="full_name", text="荆门市总工会")
    units.set_value(service.db, actor=admin, unit=units.CITY, field="phone", text="0724-2300000")
    for who, unit in (("other_staff", UNIT), ("surveyor", UNIT), ("worker", UNIT), ("staff", units.CITY),
                      ("staff", OTHER_UNIT)):
        with pytest.raises(AccessDenied):
            units.set_value(service.db, actor=team[who], unit=unit, field="contact", text="王五")
    info = units.unit_info(service.db, UNIT)
    assert (info.full_name, info.contact, info.phone, info.notice_days) == (UNIT, "李干", "(0724)2372244", 7)
    other = units.unit_info(service.db, OTHER_UNIT)
    assert (other.full_name, other.contact, other.phone) == (OTHER_UNIT, "", "0724-2300000"), "city phone fills in"
    assert units.unit_info(service.db, None).full_name == "荆门市总工会", "no unit filter: the city, not 全部单位"
    with Session(service.db) as s:
        changes = s.exec(select(AuditLog).where(AuditLog.action == "unit_setting")).all()
    assert [(c.actor_id, c.detail["field"], c.detail["old"], c.detail["new"]) for c in changes][:2] == \
        [(team["staff"].id, "contact", "", "李干"), (team["staff"].id, "phone", "", "(0724)2372244")]


@pytest.mark.parametrize(("field", "typed"), [("phone", "电话待定"), ("phone", "12"), ("notice_days", "0"),
                                              ("notice_days", "两周"), ("notice_days", "45"), ("contact", " "),
                                              ("full_name", "=HYPERLINK(\"x\")"), ("contact", "李" * 21)])
def test_a_bad_value_is_refused_with_an_example_and_nothing_stored(service: IntakeService, field: str,
                                                                   typed: str) -> None:
    staff = make_user(service, "staff", UNIT)
    with pytest.raises(units.SettingError) as err:
        units.set_value(service.db, actor=staff, unit=UNIT, field=field, text=typed)  # type: ignore[arg-type]
    assert "例如" in str(err.value)
    assert units.unit_info(service.db, UNIT) == units.UnitInfo(unit=UNIT, full_name=UNIT, contact="", phone="",
                                                               notice_days=units.DEFAULT_NOTICE_DAYS)


def test_words_people_type_name_the_settings() -> None:
    assert [units.field_of(w) for w in ("联系人", "电话", "联系电话：", "全称", "公示期", "天数", "notice_days", "地址")] == \
        ["contact", "phone", "phone", "full_name", "notice_days", "notice_days", "notice_days", None]
    assert units.clean_value("notice_days", "10天") == 10 and units.clean_value("notice_days", "７") == 7


def test_the_cli_sets_a_unit_and_the_stats_export_prints_it(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'i.db'}"}
    env.pop("TELEGRAM_BOT_TOKEN", None)

    def intake(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True, env=env,
                              timeout=120)

    for field, value in (("联系人", "李干"), ("phone", "0724-2372244"), ("全称", "荆门市东宝区总工会")):
        done = intake("unit", "set", UNIT, field, value)
        assert done.returncode == 0, done.stderr
    assert "李干" in done.stdout and "荆门市东宝区总工会" in done.stdout
    bad = intake("unit", "set", UNIT, "电话", "待定")
    assert bad.returncode == 2 and "例如" in bad.stderr
    assert intake("unit", "set", "全市", "全称", "荆门市总工会").returncode == 0
    out, city = tmp_path / "附件2.xlsx", tmp_path / "all.xlsx"
    assert intake("export", "--format", "stats", "--unit", UNIT, "--out", str(out)).returncode == 0
    assert intake("export", "--format", "stats", "--out", str(city)).returncode == 0
    sheet = openpyxl.load_workbook(out).active
    assert (sheet["A2"].value, sheet["C2"].value, sheet["D2"].value) == \
        ("填报单位：荆门市东宝区总工会", "联系人：李干", "联系电话：0724-2372244")
    assert openpyxl.load_workbook(city).active["A2"].value == "填报单位：荆门市总工会"


def test_an_export_named_with_the_wrong_extension_is_refused_and_the_csv_names_every_file(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'i.db'}"}
    env.pop("TELEGRAM_BOT_TOKEN", None)

    def intake(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True, env=env,
                              timeout=120)

    wrong = intake("export", "--format", "stats", "--out", str(tmp_path / "x.stats"))
    assert wrong.returncode == 2 and "x.xlsx" in wrong.stderr and not (tmp_path / "x.stats").exists()
    done = intake("export", "--format", "csv", "--out", str(tmp_path / "台账.csv"))
    assert done.returncode == 0, done.stderr
    for name in ("台账.csv", "台账_members.csv", "台账_attachments.csv"):
        assert name in done.stdout and (tmp_path / name).exists()
