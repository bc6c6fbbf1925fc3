"""The bot's export choices: approved only or submitted + approved said on the buttons (default stated),
and no CSV (a spreadsheet would turn 身份证号 into 4.2e+17) — the XLSX instead."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.bot.test_records_desk import Office, cells, docs, office, texts  # noqa: F401 - the desk fixture
from tests.support.household import submit
from tests.support.plans import household

PENDING_ID = "42080219800101123X"


async def test_approved_only_is_an_explicit_choice_and_submitted_plus_approved_the_stated_default(
        office: Office) -> None:  # noqa: F811
    submit(office.core.service, office.people["surveyor"], household(name="李明", id_number=PENDING_ID))
    menu = (await office.send("staff", data="x:ef:xlsx"))[-1]
    labels = [label for row in menu.buttons for label, _ in row]
    assert "本单位·全部时间" in labels and "本单位·全部时间·仅已审核" in labels
    assert "默认包括已提交（待审核）和已审核的档案" in menu.text
    both = docs(await office.send("staff", data="x:eg:xlsx:ua"))
    assert {"王建国", "李明"} <= set(cells(both[0].data))
    approved = docs(await office.send("staff", data="x:eg:xlsx:uap"))
    values = cells(approved[0].data)
    assert "王建国" in values and "李明" not in values and PENDING_ID not in values
    assert "仅已审核" in approved[0].filename
    stats = docs(await office.send("staff", data="x:eg:stats:uap"))
    assert any("已审核" in str(v) and "统计范围" in str(v) for v in cells(stats[0].data)), "the scope says so"


async def test_the_bot_offers_no_csv_and_an_old_csv_button_is_stale(office: Office) -> None:  # noqa: F811
    menu = (await office.send("staff", text="/export"))[-1]
    labels = [label for row in menu.buttons for label, _ in row]
    assert "CSV" not in labels and "电子台账 XLSX" in labels
    old = await office.send("staff", data="x:eg:csv:ua")
    assert docs(old) == [] and "这个按钮已经过期了" in texts(old)


async def test_an_export_over_the_upload_limit_arrives_zipped_or_in_numbered_parts(
        office: Office, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    from bot.telegram import exports_desk

    plain = docs(await office.send("staff", data="x:eg:html:ua"))
    assert len(plain) == 1 and plain[0].filename.endswith(".html")
    page = plain[0].data
    monkeypatch.setattr(exports_desk, "MAX_UPLOAD", len(page) - 1)  # the file is just over the limit
    zipped = docs(await office.send("staff", data="x:eg:html:ua"))
    assert [d.filename for d in zipped] == [plain[0].filename + ".zip"] and "已压缩为 zip" in zipped[0].caption
    with zipfile.ZipFile(io.BytesIO(zipped[0].data)) as z:
        assert z.read(plain[0].filename) == page
    monkeypatch.setattr(exports_desk, "MAX_UPLOAD", len(zipped[0].data) // 3)  # even the zip is too big
    parts = docs(await office.send("staff", data="x:eg:html:ua"))
    n = len(parts)
    assert n >= 3 and [d.filename for d in parts] == [f"{plain[0].filename}.zip.{i:03d}" for i in range(1, n + 1)]
    assert all(len(d.data) <= len(zipped[0].data) // 3 for d in parts)
    assert f"已分成 {n} 个分卷，这是第 1 个" in parts[0].caption
    with zipfile.ZipFile(io.BytesIO(b"".join(d.data for d in parts))) as z:
        assert z.read(plain[0].filename) == page, "the parts put together are the file"
