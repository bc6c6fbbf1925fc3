"""The pure engine: navigation, validation, offers, groups, review, submission."""

from __future__ import annotations

import ast
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from flows.autofill import next_input
from flows.engine import advance, current_path, new_state
from flows.form import Form, parse_form
from flows.outputs import (
    AnswerChanged, Ask, Cancelled, Completed, Context, Input, Menu, Notice, OpenOther, Review, Submitted,
)
from tests.support.plans import WANG, household

SMALL = yaml.safe_load("""
form: small
version: "1"
title: 小表
sections:
  - key: basic
    label: 基本信息
    fields:
      - {key: name, label: 姓名, required: true, type: text}
      - {key: id_number, label: 身份证号, required: true, type: id_number, unique: true}
      - {key: sex, label: 性别, required: true, type: choice, choices: [男, 女], offer: {from_id: id_number}, ask_after: id_number}
      - {key: phone, label: 手机号码, type: phone}
      - {key: dibao, label: 是否享受城市低保, required: true, type: yes_no}
      - {key: months, label: 月数, required: true, type: months, when: "dibao == 否"}
      - {key: income, label: 月收入, required: true, type: money}
      - {key: plans, label: 计划, type: multi_choice, max: 2, choices: [甲, 乙, 丙, 其他]}
      - {key: plans_other, label: 其他计划, required: true, type: text, when: "plans has 其他"}
  - key: members
    label: 家庭成员
    group:
      item: 成员
      max: 3
      fields:
        - {key: name, label: 姓名, required: true, type: text}
        - {key: relation, label: 关系, required: true, type: choice, choices: [配偶, 子, 女]}
""")
ID = "420802197503141232"  # 男, 1975-03-14
TODAY = date(2026, 11, 29)


def ctx(**kw: Any) -> Context:
    return Context(today=TODAY, now="2026-11-29 10:30", actor_id="7", actor_name="张调查员",
                   region_names=("东宝区", "沙洋县"), **kw)


@pytest.fixture
def small() -> Form:
    return parse_form(SMALL)


class Chat:
    """A person talking to the engine, with the state round-tripped through JSON as storage does."""

    def __init__(self, form: Form, role: str = "surveyor", **ctx_kw: Any) -> None:
        self.form, self.ctx = form, ctx(**ctx_kw)
        self.state = new_state(form, role=role)
        self.outputs: list[Any] = []
        self.events: list[Any] = []
        self.send(Input("start"))

    def send(self, inp: Input) -> list[Any]:
        step = advance(self.form, self.state, inp, self.ctx)
        self.state = json.loads(json.dumps(step.state))  # what the database gives back
        self.outputs, self.events = list(step.outputs), list(step.events)
        return self.outputs

    def say(self, text: str) -> list[Any]:
        return self.send(Input("text", text=text))

    def press(self, label: str) -> list[Any]:
        for out in reversed(self.outputs):
            for row in getattr(out, "buttons", ()):
                for b in row:
                    if b.label == label or b.label.endswith(f". {label}") or b.label.endswith(f" {label}"):
                        return self.send(Input("button", data=b.data))
        raise AssertionError(f"no button {label!r} in {self.outputs}")

    @property
    def path(self) -> str | None:
        return current_path(self.form, self.state, self.ctx)

    def errors(self) -> list[str]:
        return [o.text for o in self.outputs if isinstance(o, Notice) and o.level == "error"]

    def prompt(self) -> Any:
        return [o for o in self.outputs if not isinstance(o, Notice)][-1]


def test_asks_in_order_with_progress_and_derives_sex_from_the_id(small: Form) -> None:
    c = Chat(small)
    ask = c.prompt()
    assert isinstance(ask, Ask) and ask.path == "name" and ask.progress[0] == 1
    c.say("王建国")
    c.say(ID)
    assert c.path == "sex", "sex is asked right after the ID number it is derived from"
    assert "男" in c.prompt().text and "建议" in c.prompt().text
    c.say("对")
    assert c.state["answers"]["sex"] == "男"
    assert c.path == "phone"


def test_a_wrong_answer_gets_a_message_with_an_example_and_the_question_again(small: Form) -> None:
    c = Chat(small)
    c.say("王建国")
    c.say("42080219750314123X")
    assert c.errors() and "例如" in c.errors()[0]
    assert isinstance(c.prompt(), Ask) and c.prompt().path == "id_number"
    assert "id_number" not in c.state["answers"]


def test_a_mismatch_with_the_id_is_flagged_not_refused(small: Form) -> None:
    c = Chat(small)
    c.say("王建国")
    c.say(ID)
    c.say("女")
    assert c.state["answers"]["sex"] == "女"
    assert "sex" in c.state["flags"]
    assert any(isinstance(o, Notice) and o.level == "warning" for o in c.outputs)


def test_back_skip_and_required(small: Form) -> None:
    c = Chat(small)
    c.say("跳过")
    assert "不能跳过" in c.errors()[0] and c.path == "name"
    c.say("王建国")
    c.say(ID)
    c.say("对")
    assert c.path == "phone"
    c.say("跳过")
    assert c.state["answers"]["phone"] is None and c.path == "dibao"
    c.say("返回")
    assert c.path == "phone"
    c.say("返回")
    assert c.path == "sex"
    assert "当前填写：男" in c.prompt().text
    c.press("保留原答案，下一项")
    assert c.path == "phone", "after going back, the interview walks forward again"
    c.say("13912345678")
    assert c.path == "dibao" and c.state["answers"]["phone"] == "13912345678"


def test_back_at_the_first_question_says_so(small: Form) -> None:
    c = Chat(small)
    c.say("返回")
    assert any("第一项" in o.text for o in c.outputs if isinstance(o, Notice))
    assert c.path == "name"


def test_conditional_question_and_change_that_makes_it_apply(small: Form) -> None:
    c = Chat(small)
    for text in ("王建国", ID, "对", "跳过", "是"):
        c.say(text)
    assert c.path == "income", "months is not asked when 是否享受城市低保 = 是"
    c.say("返回")
    c.press("否")
    assert c.path == "months"


def test_implausible_money_asks_for_confirmation(small: Form) -> None:
    c = Chat(small)
    for text in ("王建国", ID, "对", "跳过", "是", "1.5万"):
        c.say(text)
    assert c.path == "plans" and c.state["answers"]["income"] == "15000.00"
    c.say("返回")
    c.say("250000")
    assert isinstance(c.prompt(), Menu) and "确认" in c.prompt().text
    assert c.state["answers"]["income"] == "15000.00", "nothing stored until confirmed"
    c.say("确认")
    assert c.state["answers"]["income"] == "250000.00"


def test_multi_choice_toggles_respects_the_maximum_and_asks_what_other_means(small: Form) -> None:
    c = Chat(small)
    for text in ("王建国", ID, "对", "跳过", "是", "1200"):
        c.say(text)
    c.press("甲")
    c.press("其他")
    assert "✅ 1. 甲" in [b.label for row in c.prompt().buttons for b in row]
    c.press("乙")
    assert any("最多" in o.text for o in c.outputs if isinstance(o, Notice))
    c.press("完成（已选 2）")
    assert c.state["answers"]["plans"] == ["甲", "其他"]
    assert c.path == "plans_other"


def test_members_add_and_remove_with_confirmation(small: Form) -> None:
    c = Chat(small)
    for text in ("王建国", ID, "对", "跳过", "是", "1200", "1"):
        c.say(text)
    assert c.path == "members"
    c.press("添加第1位成员")
    c.say("李秀英")
    c.say("配偶")
    assert c.path == "members"
    c.say("添加")
    c.say("王小明")
    c.say("子")
    c.press("删除一位")
    c.say("1")
    assert isinstance(c.prompt(), Menu) and "李秀英" in c.prompt().text
    c.say("是")
    assert [m["name"] for m in c.state["answers"]["members"]] == ["王小明"]
    assert any(isinstance(e, AnswerChanged) and e.action == "remove" for e in c.events)
    c.press("登记完毕")
    assert c.path is None and isinstance(c.prompt(), Review) and c.prompt().final


def test_review_edit_returns_to_the_final_review_and_reasks_what_depends(small: Form) -> None:
    c = Chat(small)
    for text in ("王建国", ID, "对", "跳过", "是", "1200", "1", "完成"):
        c.say(text)
    review = c.prompt()
    assert isinstance(review, Review) and review.final
    item = next(it for _, items in review.sections for it in items if it.path == "id_number")
    c.say(str(item.index))
    assert c.path == "id_number"
    c.say("420802197806120420")  # a woman's ID: sex must be asked again
    assert c.path == "sex" and "sex" not in c.state["answers"]
    assert any(isinstance(e, AnswerChanged) and e.action == "clear" and e.path == "sex" for e in c.events)
    c.say("对")
    assert c.state["answers"]["sex"] == "女"
    assert isinstance(c.prompt(), Review) and c.prompt().final


def test_cancel_needs_confirmation(small: Form) -> None:
    c = Chat(small)
    c.say("王建国")
    c.say("取消")
    assert isinstance(c.prompt(), Menu)
    c.say("否")
    assert c.path == "id_number" and c.state["status"] == "draft"
    c.say("/cancel")
    c.press("确定")
    assert isinstance(c.prompt(), Cancelled) and c.state["status"] == "cancelled"
    c.say("王建国")
    assert "已经结束" in c.outputs[0].text


def test_an_old_button_does_no_harm(small: Form) -> None:
    c = Chat(small)
    c.say("王建国")
    c.say(ID)
    old = c.prompt()
    c.say("对")
    before = json.dumps(c.state["answers"], sort_keys=True)
    girl = next(b for row in old.buttons for b in row if b.label == "2. 女")  # from the sex question
    c.send(Input("button", data=girl.data))
    assert json.dumps(c.state["answers"], sort_keys=True) == before
    assert any("过期" in o.text for o in c.outputs if isinstance(o, Notice))
    assert c.path == "phone"


def test_duplicate_id_offers_the_other_interview_to_a_surveyor(small: Form) -> None:
    dup = {"ref": "JM2026000001", "interview_id": 1, "who": "王建国", "status": "submitted"}
    c = Chat(small, find_duplicate=lambda n: dup if n == ID else None)
    c.say("王建国")
    c.say(ID)
    assert isinstance(c.prompt(), Menu) and "JM2026000001" in c.prompt().text
    assert ID not in c.prompt().text, "the ID is shown masked"
    c.press("打开那份档案")
    assert isinstance(c.prompt(), OpenOther) and c.prompt().interview_ref == "1"


def test_duplicate_id_in_a_self_report_is_flagged_for_staff(small: Form) -> None:
    dup = {"ref": "JM2026000001", "interview_id": 1, "who": "王建国", "status": "submitted"}
    c = Chat(small, role="worker", find_duplicate=lambda n: dup)
    c.say("王建国")
    c.say(ID)
    assert c.path == "sex" and "id_number" in c.state["flags"]


def test_resume_from_stored_state_shows_the_same_question(small: Form) -> None:
    c = Chat(small)
    c.say("王建国")
    c.say(ID)
    stored = json.dumps(c.state)
    again = Chat(small)
    again.state = json.loads(stored)
    again.send(Input("start"))
    assert again.path == "sex" and again.state["answers"]["name"] == "王建国"


def test_commands_work_as_words_and_slash_commands(small: Form) -> None:
    c = Chat(small)
    c.say("王建国")
    for word in ("查看", "/review"):
        c.say(word)
        assert isinstance(c.prompt(), Review) and not c.prompt().final
        c.say("继续")
    c.say("/help")
    assert any("返回" in o.text for o in c.outputs if isinstance(o, Notice))
    c.say("/back")
    assert c.path == "name"


def test_the_whole_archive_form_to_submitted(registry: Any) -> None:
    form = registry.form("archive")
    c = Chat(form, assess=registry.assess)
    for _ in range(300):
        inp = next_input(c.outputs, WANG)
        if inp is None:
            break
        c.send(inp)
        assert not c.errors(), (inp, c.errors())
    done = c.prompt()
    assert isinstance(done, Completed)
    assert any(isinstance(e, Submitted) for e in c.events)
    a = c.state["answers"]
    assert a["sex"] == "男" and a["birth_date"] == "1975-03-14"
    assert a["household_size"] == 4 and a["household_annual_income"] == "30000.00"
    assert [m["name"] for m in a["members"]] == ["李秀英", "王小明", "赵桂兰"]
    assert a["secondary_causes"] == ["重特大疾病", "子女上学"]
    assert c.state["signature"]["name"] == "王建国"
    assert c.state["assessment"]["category"] == "低保边缘户"
    assert done.assessment and "认定标准第3条" in done.assessment["explanation"]


def test_a_self_report_skips_the_staff_parts(registry: Any) -> None:
    form = registry.form("archive")
    c = Chat(form, role="worker", assess=registry.assess)
    for _ in range(300):
        inp = next_input(c.outputs, household())
        if inp is None:
            break
        c.send(inp)
    assert c.state["status"] == "submitted"
    assert "relief_target" not in c.state["answers"] and "filed_by" not in c.state["answers"]


def test_final_review_shows_the_eligibility_result_before_signing(registry: Any) -> None:
    form = registry.form("archive")
    c = Chat(form, assess=registry.assess)
    for _ in range(300):
        inp = next_input(c.outputs, WANG, sign=False)
        if inp is None:
            break
        c.send(inp)
    review = c.prompt()
    assert isinstance(review, Review) and review.final
    assert review.assessment and review.assessment["category"] == "低保边缘户"
    assert c.state["status"] == "draft"


FLOWS = Path(__file__).resolve().parents[2] / "flows"
FORBIDDEN = {"aiogram", "telegram", "sqlmodel", "sqlalchemy", "jinja2", "aiohttp", "requests", "httpx", "os",
             "subprocess", "socket", "pathlib", "io", "shutil"}


@pytest.mark.parametrize("module", sorted(str(p.relative_to(FLOWS)) for p in FLOWS.rglob("*.py")))
def test_flows_is_pure(module: str) -> None:
    tree = ast.parse((FLOWS / module).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name.split(".")[0] for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [(node.module or "").split(".")[0]]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("open", "print", "input"):
            raise AssertionError(f"{module} calls {node.func.id}()")
        else:
            continue
        assert not set(names) & FORBIDDEN, f"{module} imports {names}"


def test_a_form_confirmed_by_the_surveyor_with_its_own_measure_word() -> None:
    data = yaml.safe_load("""
form: visit
version: "1"
title: 回访
signed_by: surveyor
sections:
  - key: measures
    label: 帮扶措施
    group:
      item: 措施
      counter: 项
      fields:
        - {key: name, label: 措施名称, required: true, type: text}
""")
    c = Chat(parse_form(data), assess=lambda a: {"category": "不该出现"})
    assert "添加第1项措施" in [b.label for row in c.prompt().buttons for b in row]
    c.say("添加")
    assert "第 1 项措施" in c.prompt().text
    c.say("慰问金")
    c.say("完成")
    review = c.prompt()
    assert isinstance(review, Review) and review.final and review.assessment is None and not review.eligibility
    c.say("确认提交")
    done = c.prompt()
    assert isinstance(done, Completed) and "确认人：张调查员" in done.text and not done.eligibility
    assert c.state["signature"]["name"] == "张调查员" and "assessment" not in c.state


def test_form_level_settings_are_checked() -> None:
    with pytest.raises(Exception) as err:
        parse_form({**SMALL, "signed_by": "robot"})
    assert "signed_by" in str(err.value)
    with pytest.raises(Exception) as err:
        parse_form({**SMALL, "colour": "red"})
    assert "colour" in str(err.value)


# --- one word list: answers the old copies disagreed on ------------------------------------------

def _at_members(form: Form) -> Chat:
    c = Chat(form)
    for text in ("王建国", ID, "对", "跳过", "是", "1200", "1"):
        c.say(text)
    assert c.path == "members"
    return c


@pytest.mark.parametrize("typed", ["是", "有", "要", "好", "有的", "添加"])
def test_a_yes_word_at_the_group_question_adds_an_item(small: Form, typed: str) -> None:
    c = _at_members(small)
    assert "是否有需要登记的成员" in c.prompt().text
    c.say(typed)
    assert not c.errors() and c.path == "members.0.name"


@pytest.mark.parametrize("typed", ["否", "没有", "不用了", "没有了", "完成", "无"])
def test_a_no_word_at_the_group_question_closes_the_list(small: Form, typed: str) -> None:
    c = _at_members(small)
    c.say(typed)
    assert not c.errors() and c.path is None and "members" in c.state["groups_done"]


@pytest.mark.parametrize(("typed", "closed"), [("是", False), ("要", False), ("好", False),
                                               ("否", True), ("不", True), ("不用了", True)])
def test_add_another_answered_with_yes_or_no(small: Form, typed: str, closed: bool) -> None:
    c = _at_members(small)
    c.say("添加")
    c.say("李秀英")
    c.say("配偶")
    assert "要继续添加吗" in c.prompt().text
    c.say(typed)
    assert not c.errors()
    assert c.path == (None if closed else "members.1.name")


def test_typed_numbers_at_the_group_menu_mean_the_options_as_shown(small: Form) -> None:
    c = _at_members(small)
    c.say("2")  # no item yet: 1. 添加第1位 2. 没有，跳过
    assert c.path is None and "members" in c.state["groups_done"]
    c = _at_members(small)
    c.say("1")
    c.say("李秀英")
    c.say("配偶")
    c.say("2")  # shown: 再添加一位, 删除一位, 登记完毕 — 2 is 删除一位, not 完成
    assert isinstance(c.prompt(), Menu) and c.prompt().key == "confirm:remove"
    c.say("否")
    c.say("3")
    assert c.path is None and [m["name"] for m in c.state["answers"]["members"]] == ["李秀英"]


@pytest.mark.parametrize("typed", ["对", "是", "好的", "对的", "ＯＫ", "对。"])
def test_an_offer_is_accepted_with_any_yes_word(small: Form, typed: str) -> None:
    c = Chat(small)
    c.say("王建国")
    c.say(ID)
    c.say(typed)
    assert c.state["answers"]["sex"] == "男"


def test_commands_are_understood_full_width_and_with_trailing_punctuation(small: Form) -> None:
    c = Chat(small)
    c.say("王建国")
    c.say("返回。")
    assert c.path == "name"
    c.say("？")
    assert any(isinstance(o, Notice) and "填表说明" in o.text for o in c.outputs)


# --- state changes made from outside a conversation -----------------------------------------------

def _submitted(form: Form) -> dict[str, Any]:
    c = _at_members(form)
    c.say("完成")
    c.say("确认签字提交")
    assert c.state["status"] == "submitted"
    return c.state


def test_hand_over_reopens_a_copy_as_a_staff_draft(small: Form) -> None:
    from flows.engine import hand_over
    state = _submitted(small)
    before = json.dumps(state, sort_keys=True)
    new = hand_over(state)
    assert json.dumps(state, sort_keys=True) == before, "the input state is not changed"
    assert (new["status"], new["mode"], new["cursor"], new["pending"], new["role"]) == \
        ("draft", "ask", None, None, "staff")
    assert new["signature"] == state["signature"]


def test_reopen_at_puts_the_cursor_on_the_first_named_question(small: Form) -> None:
    from flows.engine import reopen_at
    state = _submitted(small)
    new = reopen_at(state, ["phone", "income"])
    assert state["status"] == "submitted"
    assert (new["status"], new["cursor"], new["cursor_from"], new["mode"]) == ("draft", "phone", "review", "ask")
    c = Chat(small)
    c.state = new
    c.send(Input("start"))
    assert c.path == "phone"
    c.say("13912345678")
    assert c.path == "income", "every field the return named is asked, one after the other"
    c.say("1500")
    assert isinstance(c.prompt(), Review) and c.prompt().final
    with pytest.raises(ValueError):
        reopen_at(state, [])


def test_set_system_answer_returns_the_new_state_and_the_old_value() -> None:
    from flows.engine import set_system_answer
    state = {"answers": {"name": "王建国"}}
    new, old = set_system_answer(state, "reviewed_by", "李审核")
    assert old is None and new["answers"]["reviewed_by"] == "李审核" and "reviewed_by" not in state["answers"]
    again, old = set_system_answer(new, "reviewed_by", "赵审核")
    assert old == "李审核" and again["answers"]["reviewed_by"] == "赵审核"


def _flows_imports() -> dict[str, set[str]]:
    """Each flows module and the flows modules it imports (TYPE_CHECKING imports included)."""
    graph: dict[str, set[str]] = {}
    for path in FLOWS.rglob("*.py"):
        parts = path.relative_to(FLOWS.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name.startswith("flows.")}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("flows"):
                found.add(node.module or "")
                found |= {f"{node.module}.{a.name}" for a in node.names}
        graph[name] = found
    return {m: {d for d in deps if d in graph and d != m} for m, deps in graph.items()}


def test_no_import_circle_between_flows_modules() -> None:
    graph = _flows_imports()
    assert "flows.run" in graph and "flows.engine" not in graph["flows.offers"]
    state: dict[str, int] = {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for dep in sorted(graph[module]):
            if state.get(dep) == 1:
                raise AssertionError("import circle: " + " -> ".join(trail[trail.index(dep):] + [dep]))
            if dep not in state:
                visit(dep, trail + [dep])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
