"""Texts of the free-text answer readers: numbers, 健康状况 and names (v.money.*, v.count.*, v.months.*,
health.*, name.*)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # --- Examples a question type shows when an answer is refused (flows/field_types.py, names, health)
    "ex.text": "张三",
    "ex.long_text": "患高血压多年，需要长期服药",
    "ex.other_contact": "微信号 zhangsan1980",
    "ex.name": "王建国",
    "ex.illness": "糖尿病",
    "ex.health": "良好",
    "ex.ethnicity": "汉族",
    # --- What an empty answer was asked for (flows/validators.py: "没有收到{what}")
    "ans.what.content": "内容",
    "ans.what.id_number": "18位身份证号",
    "ans.what.phone": "11位手机号",
    "ans.what.postcode": "6位邮政编码",
    "ans.what.ethnicity": "民族",
    "ans.what.bank_card": "银行卡号",
    "ans.what.number": "一个数",
    "ans.what.unit_hint": "（单位：{unit}）",
    # --- Several-choice answers (flows/choices.py)
    "ans.multi.where_default": "前面的问题",
    # --- Amounts, counts and month spans (flows/numbers.py): v.money.*, v.count.*, v.months.*
    "v.money.range": "请只填一个金额，不要写范围或两个数（您写的是“{text}”）。拿不准就填大概的数，例如 1200",
    "v.money.period_year": "这里问的是每月金额，您写的“{text}”是全年的。请除以 12 后填每月金额，例如 一年两万 就填 1667",
    "v.money.period_month": "这里问的是全年合计，您写的“{text}”是每月的。请乘以 12 后填全年金额，例如 每月1000 就填 12000",
    "v.money.period_none": "请直接填写金额，不用写每月或每年（您写的是“{text}”），例如 1200",
    "v.money.approx": "您写的是“{text}”，按 {amount} 元 记录，对吗？",
    "v.money.note": "已记录为 {amount} 元",
    "v.count.range_words": "请只填一个数，不要写范围或两个数（您写的是“{text}”），例如 {example}",
    "v.count.approx": "您写的是“{text}”，按 {value} 记录，对吗？",
    "v.count.note": "已记录为 {value}",
    "v.months.format": "没看懂“{text}”，请填写月数（整数），例如 {example}、半年、一年半 或 2年3个月",
    "v.months.half": "月数要是整数，“{text}”不是整月，请填整月数，例如 {example}",
    "v.months.approx": "您写的是“{text}”，按 {value} 个月 记录，对吗？",
    "v.months.note": "已记录为 {value} 个月",
    # --- 健康状况 (flows/health.py): health.*
    "health.recorded_good": "已记录为：良好",
    "health.recorded_illness": "已记录为患病：{value}。如不对，请输入“返回”修改；身体没有问题请填“良好”。",
    "health.recorded_disability": "已记录健康状况：{value}（计为残疾）。如不对，请输入“返回”修改。",
    "health.empty": "没有收到内容。请填写“良好”，或所患的主要疾病名称，例如：{example}",
    "health.which_illness": "“{text}”没有写明是什么病。请填写所患的主要疾病名称，例如：{example}；身体没有问题请填“良好”。",
    "health.not_answer": "“{text}”不是健康状况。请填写“良好”，或所患的主要疾病名称，例如：{example}",
    "health.command": "“{text}”是操作词或按钮上的文字，不是健康状况。请填写“良好”，或主要疾病名称，例如：{example}",
    "health.no_letters": "“{text}”不是疾病名称。请填写“良好”，或所患的主要疾病名称，例如：{example}",
    "health.too_long": "内容太长：{n} 个字，最多 {max} 个字。请只写最主要的一种疾病，例如：{example}",
    # --- Person names (flows/names.py): name.*
    "name.empty": "没有收到姓名。请输入身份证上的姓名，例如：{example}",
    "name.yes": "“{text}”不是姓名。请输入身份证上的姓名，例如：{example}",
    "name.no": "“{text}”不是姓名。姓名必须填写，请输入身份证上的姓名，例如：{example}；不登记这位成员可输入“返回”。",
    "name.skip": "姓名必须填写，不能跳过。请输入身份证上的姓名，例如：{example}",
    "name.command": "“{text}”是操作词，不是姓名。请输入身份证上的姓名，例如：{example}",
    "name.button": "“{text}”是按钮上的文字，不是姓名。请输入身份证上的姓名，例如：{example}",
    "name.relation": "“{text}”是称呼，不是姓名。请输入他/她身份证上的姓名，例如：{example}",
    "name.digits": "姓名不能是数字（收到“{text}”）。请输入身份证上的姓名，例如：{example}",
    "name.has_digit": "姓名里不应有数字（收到“{text}”）。请输入身份证上的姓名，例如：{example}",
    "name.bad_char": "姓名里不应有“{char}”。请只写姓名本身，例如：{example}",
    "name.too_long": "姓名太长：{n} 个字，最多 {max} 个字。请只写身份证上的姓名，例如：{example}",
    "name.recorded": "姓名已记录为：{name}",
    "name.one_char": "姓名只有一个字“{name}”，请确认是全名；不对请输入“返回”修改。",
}
