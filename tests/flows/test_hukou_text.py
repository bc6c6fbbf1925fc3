"""A 户口簿 person page read from its OCR lines: rows cut at every label, only the person's own fields kept,
checked like a card's; and a card front whose "name" swallowed a label offers no name."""

from __future__ import annotations

from datetime import date

from flows.hukou_text import cells, is_register_page, read_identity, read_register_page
from flows.idcard import id_check_digit
from flows.idcard_text import read_card

TODAY = date(2026, 12, 1)
FIRST17 = "42080219750503002"
NUMBER = FIRST17 + id_check_digit(FIRST17)

# How RapidOCR joins the boxes of each table row of a 常住人口登记卡 into one line
PAGE = [
    "常住人口登记卡",
    "姓名李秀英户主或与户主关系妻",
    "曾用名性别女",
    "出生地湖北省荆门市民族汉",
    "籍贯湖北荆门出生日期1975年05月03日",
    "本市（县）其他住址",
    "宗教信仰公民身份证件编号" + NUMBER,
    "身高160血型文化程度初中婚姻状况已婚兵役状况",
    "服务处所荆门市某纺织厂职业工人",
    "何时由何地迁来本市（县）1995年3月荆门市东宝区",
    "承办人签章登记日期2008年6月1日",
]


def test_a_row_is_cut_at_every_label_longest_first() -> None:
    assert cells("姓名李秀英户主或与户主关系妻") == [("姓名", "李秀英"), ("户主或与户主关系", "妻")]
    assert cells("出生地湖北省荆门市民族汉") == [("出生地", "湖北省荆门市"), ("民族", "汉")]
    assert cells("籍贯湖北荆门出生日期1975年05月03日") == [("籍贯", "湖北荆门"), ("出生日期", "1975年05月03日")]
    assert cells("曾用名性别女") == [("曾用名", ""), ("性别", "女")]
    assert cells("次子性别男") == [("", "次子"), ("性别", "男")]


def test_the_page_gives_the_persons_own_fields() -> None:
    got = read_register_page(PAGE, TODAY)
    assert got.document == "hukou"
    assert got.values() == {"name": "李秀英", "sex": "女", "ethnicity": "汉族", "birth_date": "1975-05-03",
                            "id_number": NUMBER}
    assert got.conflicts == ()


def test_the_page_is_told_from_a_card_front() -> None:
    assert is_register_page(PAGE)
    card = ["姓名王建国", "性别男民族汉", "出生1975年3月14日", "住址湖北省荆门市东宝区象山大道1号",
            "公民身份号码" + NUMBER]
    assert not is_register_page(card)
    assert read_identity(card, TODAY).document == "id_card"
    assert read_identity(PAGE, TODAY).document == "hukou"


def test_a_wrong_check_digit_on_the_page_is_not_offered() -> None:
    wrong = FIRST17 + next(c for c in "0123456789X" if c != id_check_digit(FIRST17))
    got = read_register_page([row.replace(NUMBER, wrong) for row in PAGE], TODAY)
    assert got.id_number == "" and got.rejected_number
    assert got.name == "李秀英" and got.birth_date == "1975-05-03"  # the printed date is still read


def test_the_number_wins_over_the_printed_date_and_sex() -> None:
    page = [row.replace("1975年05月03日", "1975年06月03日").replace("性别女", "性别男") for row in PAGE]
    got = read_register_page(page, TODAY)
    assert got.birth_date == "1975-05-03" and got.sex == "女"
    assert set(got.conflicts) == {"birth_date", "sex"}


def test_a_value_cell_on_the_next_line_is_still_read() -> None:
    page = ["姓名户主或与户主关系", "户主", "性别", "男"]
    got = read_register_page(page, TODAY)
    assert got.sex == "男"
    assert got.name == ""  # the 姓名 cell was empty on its row: nothing sure, nothing offered


def test_the_household_page_names_nobodys_own_fields() -> None:
    got = read_register_page(["户别家庭户户主姓名张三户号00123", "住址湖北省荆门市东宝区象山大道1号"], TODAY)
    assert got.values() == {}


def test_a_card_name_that_swallowed_a_label_is_not_offered() -> None:
    # a page read as a card (no page-only label seen): the name row still holds 户主…, so no name
    got = read_card(["姓名张三户主或与户主关系妻", "性别男民族汉"], TODAY)
    assert got.name == ""
    assert got.sex == "男"


def test_a_value_pushed_to_the_start_of_the_next_line_is_read() -> None:
    page = ["姓名", "李秀英户主或与户主关系妻", "公民身份证件编号", NUMBER + "身高160"]
    got = read_register_page(page, TODAY)
    assert (got.name, got.id_number) == ("李秀英", NUMBER)
