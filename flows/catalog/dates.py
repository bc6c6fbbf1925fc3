"""Texts of the date reader (v.date.*, flows/dates.py) beyond the shared validators' ones."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "v.date.note": "已记录为 {date}",
    "v.date.century": "“{text}”是指 {date} 吗？如果是 {other} 年，请回答“不对”，再写四位年份，例如 {other_date}",
    "v.date.ambiguous_digits": "“{text}”看不出是哪年哪月，请写成“年-月-日”，四位年份，例如 {example}",
    "v.date.two_digit_month": "“{text}”看不出是哪一年，请写上“年”字或四位年份，例如 1998年7月",
    "v.date.no_century": "“{text}”按 {a} 年或 {b} 年都不对（晚于今天或早于{min_year}年），请写四位年份，例如 {example}",
    "v.date.month_from_id": ("只填了月份（{month}）。身份证号中的出生日期是 {date}，就是这一天吗？"
                             "不是请直接输入正确的出生日期，例如 {date}"),
}
