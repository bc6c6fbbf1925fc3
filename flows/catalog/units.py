"""Texts of the unit settings (unit.*): 填报单位 full name, 联系人, 联系电话, 公示期 — in the bot and the CLI."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "rec.menu.unit": "单位设置：填报单位、联系人、联系电话、公示期",  # the /unit line of the command menu
    "unit.city": "全市",
    "unit.city_default": "市总工会",
    "unit.field.full_name": "单位全称",
    "unit.field.contact": "联系人",
    "unit.field.phone": "联系电话",
    "unit.field.notice_days": "公示期（天）",
    # the words a setting is named by when typed: /unit 联系人 李干
    "unit.words.full_name": "全称|单位全称|名称|单位名称|填报单位",
    "unit.words.contact": "联系人|联系|负责人",
    "unit.words.phone": "电话|联系电话|手机|号码",
    "unit.words.notice_days": "公示期|公示天数|天数|公示",
    "unit.words.days": "天|日",
    "unit.line.contact": "联系人：{name}",
    "unit.line.phone": "联系电话：{phone}",
    "unit.show": "【{unit}】的单位设置\n单位全称：{full_name}\n联系人：{contact}\n联系电话：{phone}\n公示期：{days} 天\n\n"
                 "修改请发送，例如：\n/unit 联系人 李干\n/unit 电话 0724-2345678\n/unit 全称 荆门市东宝区总工会\n/unit 公示期 7",
    "unit.show_admin": "管理员可在单位名前加上单位修改其他单位，例如：/unit 东宝区总工会 联系人 李干；"
                       "“/unit 全市 全称 荆门市总工会”设置不分单位导出时的填报单位。",
    "unit.unset": "（未设置）",
    "unit.saved": "已保存：{field} = {value}",
    "unit.denied": "只有本单位工作人员或管理员可以修改单位设置。",
    "unit.no_unit": "您的账号还没有所属单位，请联系管理员设置后再修改单位设置。",
    "unit.error.field": "没有“{field}”这一项。可以修改的有：{fields}。例如：/unit 联系人 李干",
    "unit.error.usage": "请写明要修改哪一项和新的内容，例如：/unit 联系人 李干",
    "unit.error.days": "公示期“{value}”无法识别，请输入 1 到 30 之间的天数（自然日），例如：7",
    "unit.error.phone": "联系电话“{value}”无法识别，请输入手机号或座机号，例如：0724-2345678 或 13800001234",
    "unit.error.full_name": "单位全称不能为空，不超过 {limit} 个字，例如：荆门市东宝区总工会",
    "unit.error.contact": "联系人姓名不能为空，不超过 {limit} 个字，例如：李干",
    "unit.cli.saved": "{unit}: {field} = {value}",
}
