"""Synthetic 户口簿 person pages (常住人口登记卡) drawn with Pillow and a CJK font, photographed like a card.

Made-up family members (numbers with a right GB 11643 check digit), printed in the page's table: label
cells in the form's blue, values in black, the lines of the table. ``draw_page(person, seed)`` returns
JPEG bytes with the same phone-photo noise as ``bench.id_cards.draw_card``. Used by tests/ocr.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.id_cards import Card, _card, _font, photograph

RELATIONS = ("妻", "子", "女", "母", "夫", "孙子", "长女", "次子", "父", "儿媳")


@dataclass(frozen=True)
class Member:
    card: Card
    relation: str  # 户主或与户主关系 as printed (not what the archive asks)
    birthplace: str
    education: str
    occupation: str


MEMBERS: tuple[Member, ...] = (
    Member(_card("李秀英", "女", "汉", "1978-11-02", "", "420802", 246), "妻", "湖北省荆门市", "初中", "无业"),
    Member(_card("王小明", "男", "汉", "2003-09-15", "", "420802", 1), "子", "湖北省荆门市", "大学", "学生"),
    Member(_card("王丽", "女", "汉", "2010-04-20", "", "420802", 52), "女", "湖北省荆门市", "小学", "学生"),
    Member(_card("张桂芝", "女", "汉", "1950-02-11", "", "420821", 88), "母", "湖北省京山县", "文盲", "无业"),
    Member(_card("热依拉·艾买提", "女", "维吾尔", "1985-07-07", "", "650102", 140), "妻", "新疆乌鲁木齐市", "高中",
           "个体"),
    Member(_card("马国强", "男", "回", "1979-12-30", "", "640104", 377), "夫", "宁夏银川市", "中专", "工人"),
    Member(_card("刘洋", "男", "汉", "2012-06-01", "", "420804", 19), "孙子", "湖北省荆门市", "小学", "学生"),
    Member(_card("陈思雨", "女", "土家", "1999-03-08", "", "422801", 206), "长女", "湖北省恩施市", "大学", "职员"),
    Member(_card("赵明", "男", "满", "2005-10-10", "", "210103", 95), "次子", "辽宁省沈阳市", "高中", "学生"),
    Member(_card("孙建华", "男", "汉", "1948-08-08", "", "420881", 333), "父", "湖北省钟祥市", "小学", "退休"),
)

# (label, value getter or fixed text, label x, value x) by row; the page's table of 9 rows
_W, _H, _TOP, _ROW = 1000, 720, 70, 68


def _rows(m: Member) -> list[list[tuple[str, str]]]:
    c = m.card
    y, mo, d = c.birth.split("-")
    return [
        [("姓名", c.name), ("户主或与户主关系", m.relation)],
        [("曾用名", ""), ("性别", c.sex)],
        [("出生地", m.birthplace), ("民族", c.ethnicity)],
        [("籍贯", m.birthplace[:4]), ("出生日期", f"{y}年{mo}月{d}日")],
        [("本市（县）其他住址", "")],
        [("宗教信仰", ""), ("公民身份证件编号", c.number)],
        [("身高", ""), ("血型", ""), ("文化程度", m.education)],
        [("婚姻状况", ""), ("兵役状况", ""), ("职业", m.occupation)],
        [("服务处所", ""), ("承办人签章", "")],
    ]


def page_image(m: Member):
    """The clean page, 1000 × 720: title, then the table with labels and values in their cells."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (_W, _H), (246, 240, 228))
    d = ImageDraw.Draw(img)
    label, value, title = _font(22), _font(26), _font(34, bold=True)
    ink, red = (25, 25, 25), (150, 60, 50)
    d.text((_W // 2 - 120, 16), "常住人口登记卡", font=title, fill=red)
    for r, row in enumerate(_rows(m)):
        top = _TOP + r * _ROW
        d.line([(30, top), (_W - 30, top)], fill=red, width=2)
        width = (_W - 60) // len(row)
        for k, (lab, val) in enumerate(row):
            x = 30 + k * width
            if k:
                d.line([(x, top), (x, top + _ROW)], fill=red, width=2)
            lw = int(d.textlength(lab, font=label))
            d.text((x + 10, top + 22), lab, font=label, fill=red)
            d.line([(x + lw + 20, top), (x + lw + 20, top + _ROW)], fill=red, width=1)
            d.text((x + lw + 34, top + 18), val, font=value, fill=ink)
    bottom = _TOP + 9 * _ROW
    d.line([(30, bottom), (_W - 30, bottom)], fill=red, width=2)
    d.rectangle((30, _TOP, _W - 30, bottom), outline=red, width=2)
    return img


def draw_page(m: Member, seed: int = 0, scale: float = 1.0) -> bytes:
    """A phone photo of the page (rotated a few degrees, uneven light, blur, JPEG; deterministic per seed)."""
    return photograph(page_image(m), seed, size=(1140, 860), at=(70, 70), scale=scale)
