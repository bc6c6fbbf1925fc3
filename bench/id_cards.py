"""Synthetic fronts of 居民身份证 drawn with Pillow and a CJK font, with a phone photo's noise.

No real person's card: made-up people whose numbers carry a correct GB 11643 check digit. Used by the
OCR tests (tests/ocr) and by `intake bench` (bench/ocr_bench.py). ``draw_card(card, seed)`` returns
JPEG bytes: the card at a slight angle on a table, unevenly lit, a little blurred, JPEG-compressed.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from pathlib import Path

from flows.idcard import id_check_digit

FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
BOLD = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
SC = 2  # face index of Noto Sans CJK SC in the .ttc (0 is JP, whose 门 OCR reads as 内)


@dataclass(frozen=True)
class Card:
    name: str
    sex: str
    ethnicity: str  # as printed: 汉, 回, 维吾尔 ... (the form stores 汉族 ...)
    birth: str  # ISO
    address: str
    region: str  # 6 digits
    seq: str  # 3 digits: order code, its last digit odd for 男

    @property
    def number(self) -> str:
        first = self.region + self.birth.replace("-", "") + self.seq
        return first + id_check_digit(first)


def _card(name: str, sex: str, nation: str, birth: str, address: str, region: str, seq: int) -> Card:
    # the sex digit follows the sex: odd for 男, even for 女
    seq = seq - seq % 2 + (1 if sex == "男" else 0)
    return Card(name, sex, nation, birth, address, region, f"{seq:03d}")


CARDS: tuple[Card, ...] = (
    _card("王建国", "男", "汉", "1975-03-14", "湖北省荆门市东宝区象山大道1号3栋2单元201室", "420802", 123),
    _card("李秀英", "女", "汉", "1978-11-02", "湖北省荆门市掇刀区白庙街道团林路18号", "420804", 246),
    _card("阿依古丽·买买提", "女", "维吾尔", "1990-06-21", "新疆乌鲁木齐市天山区解放南路56号", "650102", 88),
    _card("张志强", "男", "汉", "1969-01-30", "湖北省京山县新市镇城中路22号", "420821", 315),
    _card("刘德华", "男", "回", "1982-09-09", "湖北省荆门市沙洋县沙洋镇汉津路7号", "420822", 57),
    _card("陈美玲", "女", "土家", "1986-12-25", "湖北省恩施市舞阳坝街道施州大道99号", "422801", 420),
    _card("杨光明", "男", "汉", "1958-07-01", "湖北省荆门市钟祥市郢中街道王府大道3号", "420881", 19),
    _card("赵丽娟", "女", "满", "1971-04-18", "辽宁省沈阳市沈河区北顺城路12号", "210103", 602),
    _card("黄海涛", "男", "汉", "1995-02-28", "湖北省武汉市洪山区珞喻路1037号", "420111", 771),
    _card("周晓燕", "女", "汉", "2001-10-10", "湖北省荆门市东宝区龙泉街道月亮湖路5号", "420802", 34),
    _card("吴国庆", "男", "壮", "1963-10-01", "广西南宁市青秀区民族大道100号", "450103", 11),
    _card("徐桂兰", "女", "汉", "1949-05-06", "湖北省荆门市东宝区子陵铺镇新桥村四组", "420802", 208),
    _card("孙建军", "男", "蒙古", "1980-08-08", "内蒙古呼和浩特市新城区中山东路8号", "150102", 95),
    _card("马玉芳", "女", "回", "1992-03-03", "宁夏银川市兴庆区解放西街21号", "640104", 150),
    _card("朱永红", "男", "汉", "1977-12-12", "湖北省荆门市沙洋县后港镇建设路46号", "420822", 373),
    _card("胡小梅", "女", "苗", "1988-01-15", "湖南省吉首市乾州街道人民北路17号", "433101", 262),
    _card("郭大伟", "男", "汉", "1966-06-06", "湖北省京山县永兴镇永兴大道88号", "420821", 43),
    _card("林淑芬", "女", "汉", "1973-09-27", "湖北省荆门市东宝区泉口街道长宁大道66号", "420802", 518),
    _card("何文斌", "男", "彝", "1984-04-04", "四川省西昌市长安街道航天大道二段9号", "513401", 133),
    _card("高翠英", "女", "汉", "1955-11-11", "湖北省荆门市钟祥市胡集镇胡集大道2号", "420881", 404),
)


def _font(size: int, bold: bool = False):
    from PIL import ImageFont

    return ImageFont.truetype(str(BOLD if bold else FONT), size, index=SC)  # the Simplified Chinese face


def _wrap(text: str, width: int) -> list[str]:
    return [text[i:i + width] for i in range(0, len(text), width)]


def card_image(card: Card):
    """The clean card front, 856 × 540 (85.6 × 54 mm at 10 px/mm)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (856, 540), (233, 238, 242))
    d = ImageDraw.Draw(img)
    for y in range(0, 540, 6):  # the faint guilloche of the real card
        d.line([(0, y), (856, y + 40)], fill=(224, 231, 238), width=1)
    label, value, big = _font(24), _font(28), _font(32)
    ink, blue = (20, 20, 20), (40, 90, 150)
    d.text((50, 50), "姓名", font=label, fill=blue)
    d.text((130, 46), card.name, font=value, fill=ink)
    d.text((50, 115), "性别", font=label, fill=blue)
    d.text((130, 111), card.sex, font=value, fill=ink)
    d.text((250, 115), "民族", font=label, fill=blue)
    d.text((330, 111), card.ethnicity, font=value, fill=ink)
    y, m, day = card.birth.split("-")
    d.text((50, 180), "出生", font=label, fill=blue)
    d.text((130, 176), f"{y} 年 {int(m)} 月 {int(day)} 日", font=value, fill=ink)
    d.text((50, 245), "住址", font=label, fill=blue)
    for i, part in enumerate(_wrap(card.address, 13)):
        d.text((130, 241 + 40 * i), part, font=value, fill=ink)
    d.text((50, 450), "公民身份号码", font=label, fill=blue)
    d.text((230, 444), card.number, font=big, fill=ink)
    # the photo: a grey head and shoulders
    d.rectangle((600, 60, 800, 320), fill=(205, 212, 220))
    d.ellipse((650, 100, 750, 220), fill=(150, 150, 155))
    d.ellipse((615, 220, 785, 380), fill=(150, 150, 155))
    d.rectangle((600, 320, 800, 400), fill=(233, 238, 242))
    return img


# A photo as Telegram delivers it is 1280 px on its longer side: the cards' 1000 px photos scaled by this.
TELEGRAM_SCALE = 1.28


def draw_card(card: Card, seed: int = 0, scale: float = 1.0) -> bytes:
    """A phone photo of the card: rotated a few degrees, uneven light, blur, JPEG (deterministic per seed)."""
    return photograph(card_image(card), seed, scale=scale)


def photograph(img, seed: int, size: tuple[int, int] = (1000, 700), at: tuple[int, int] = (72, 80),
               scale: float = 1.0) -> bytes:
    """A phone photo of a document image lying on a table: rotated, unevenly lit, blurred, JPEG.

    ``scale`` enlarges the whole scene (document, table and offset) before the noise, e.g. to Telegram's size.
    """
    from PIL import Image, ImageFilter

    if scale != 1.0:
        img = img.resize((round(img.width * scale), round(img.height * scale)), Image.BICUBIC)
        size = (round(size[0] * scale), round(size[1] * scale))
        at = (round(at[0] * scale), round(at[1] * scale))
    rnd = random.Random(seed)
    table = Image.new("RGB", size, (96, 84, 70))
    table.paste(img, at)
    table = table.rotate(rnd.uniform(-4, 4), resample=Image.BICUBIC, fillcolor=(96, 84, 70))
    # light from one side: a brightness ramp from 70 % to 110 %
    light = Image.linear_gradient("L").rotate(rnd.choice((0, 90, 180, 270))).resize(table.size)
    dark = table.point(lambda v: int(v * 0.7))
    bright = table.point(lambda v: min(255, int(v * 1.1)))
    table = Image.composite(bright, dark, light)
    table = table.filter(ImageFilter.GaussianBlur(rnd.uniform(0.6, 1.2)))
    out = io.BytesIO()
    table.save(out, "JPEG", quality=rnd.randint(55, 75))
    return out.getvalue()
