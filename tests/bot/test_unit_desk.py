"""/unit in the bot as staff type it on a phone: show, change (with or without a colon), refused values and
roles; then the 附件2 and the 公示 list the bot sends print what was set."""

from __future__ import annotations

from tests.bot.test_records_desk import Office, cells, docs, office, texts  # noqa: F401 - the desk fixture
from tests.support.factory import OTHER_UNIT, UNIT


async def test_staff_set_their_units_contact_and_the_stats_and_notice_print_it(office: Office) -> None:  # noqa: F811
    shown = texts(await office.send("staff", text="/unit"))
    assert f"【{UNIT}】" in shown and "联系人：（未设置）" in shown and "公示期：7 天" in shown
    saved = texts(await office.send("staff", text="/unit 联系人：李干"))
    assert "已保存：联系人 = 李干" in saved
    assert "已保存" in texts(await office.send("staff", text="/unit 电话 0724-2372244"))
    assert "已保存" in texts(await office.send("staff", text="/unit 全称 荆门市东宝区总工会"))
    refused = texts(await office.send("staff", text="/unit 公示期 两周"))
    assert "无法识别" in refused and "例如：7" in refused
    assert "没有“地址”这一项" in texts(await office.send("staff", text="/unit 地址 白庙路8号"))

    stats = docs(await office.send("staff", data="x:eg:stats:ua"))
    values = cells(stats[0].data)
    assert "填报单位：荆门市东宝区总工会" in values and "联系人：李干" in values and "联系电话：0724-2372244" in values
    notice = docs(await office.send("staff", text="/notice"))
    text = "".join(str(v) for v in cells(notice[0].data))
    assert "受理异议：联系人：李干  联系电话：0724-2372244" in text and "公示期：" in text


async def test_other_roles_and_other_units_cannot_change_a_unit(office: Office) -> None:  # noqa: F811
    for who in ("surveyor", "worker"):
        assert "只有本单位工作人员或管理员" in texts(await office.send(who, text="/unit 联系人 王五"))
    assert "只有本单位工作人员或管理员" in texts(await office.send("other", text=f"/unit {UNIT} 联系人 王五"))
    assert "联系人：（未设置）" in texts(await office.send("staff", text="/unit"))
    done = texts(await office.send("admin", text=f"/unit {OTHER_UNIT} 联系人 王五"))
    assert "已保存：联系人 = 王五" in done and f"【{OTHER_UNIT}】" in done
    city = texts(await office.send("admin", text="/unit 全市 全称 荆门市总工会"))
    assert "【全市】" in city and "单位全称：荆门市总工会" in city
    stats = docs(await office.send("admin", data="x:eg:stats:aa"))
    assert "填报单位：荆门市总工会" in cells(stats[0].data), "every unit: the city's name, never 全部单位"
