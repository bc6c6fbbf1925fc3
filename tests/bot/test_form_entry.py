"""A form file's entry: block decides how the bot reaches it: a test-only form is offered by /new, begun
from its button through the bot core, and run to the end, with no production file naming it."""

from __future__ import annotations

import ast
import asyncio
import io
import itertools
from pathlib import Path

import pytest

from bot.service import IntakeService
from bot.settings import Settings
from bot.telegram import buttons
from bot.telegram.actions import Action, Incoming, SendMessage
from bot.telegram.core import BotCore
from bot.terminal import TerminalChat
from flows.catalog import t
from flows.form import FormError
from flows.outputs import Input
from flows.registry import load_registry
from storage.models import User
from tests.support.factory import UNIT, load, make_service, make_user
from tests.support.household import follow
from tests.support.visit_form import VISIT_PLAN, VISIT_YAML, visit_registry
from tests.support.chat import RecordingIO

ROOT = Path(__file__).resolve().parents[2]


class Chat:
    """A bot core over one service; ``send`` is one update from a person, returning the actions it caused."""

    def __init__(self, service: IntakeService, tmp_path: Path) -> None:
        settings = Settings(_env_file=None, TELEGRAM_BOT_TOKEN=None,  # type: ignore[call-arg]
                            INTAKE_ATTACHMENTS_DIR=str(tmp_path / "files"), INTAKE_TIMEZONE="Asia/Shanghai")
        self.core, self.io, self.n = BotCore(service, settings), RecordingIO(), itertools.count(1)

    def send(self, user: User, *, text: str | None = None, data: str | None = None) -> list[Action]:
        n = next(self.n)
        inc = Incoming(update_id=n, user_id=user.tg_id, first_name=user.name, chat_id=user.tg_id, chat_type="private",
                       text=text, callback_id=f"cb{n}" if data else None, callback_data=data,
                       message_id=1 if data else None)
        before = len(self.io.actions)
        asyncio.run(self.core.handle(inc, self.io))
        return self.io.actions[before:]


def sent(actions: list[Action]) -> list[SendMessage]:
    return [a for a in actions if isinstance(a, SendMessage)]


# --- the registry answers which form for what -----------------------------------------------

def test_registry_reads_the_entry_blocks() -> None:
    shipped, with_visit = load_registry(), visit_registry()
    assert shipped.archive_form().key == "archive" and shipped.followup_form().key == "followup"
    assert [f.key for f in shipped.startable_forms("surveyor")] == ["archive"]
    assert [f.key for f in with_visit.startable_forms("surveyor")] == ["archive", "visit_log"]
    assert [f.key for f in with_visit.startable_forms("worker")] == ["archive"]  # not in its audience
    assert with_visit.default_form("surveyor").key == "archive"  # the household form first
    assert [f.key for f in with_visit.ledger_forms()] == ["archive", "visit_log"]
    assert shipped.followup_form().entry.start is False and not shipped.followup_form().entry.ledger


@pytest.mark.parametrize("entry, problem", [
    ("{start: true, audience: [surveyor]}", "form.entry.start_needs"),
    ("{start: true, menu: 走访, audience: [boss]}", "form.entry.audience"),
    ("{kind: household2}", "form.entry.kind"),
    ("{export: [pdf]}", "form.entry.export"),
    ("{menu: 走访, starts: true}", "form.entry.unknown"),
    ("[start]", "form.entry.not_mapping"),
])
def test_a_broken_entry_block_is_reported(entry: str, problem: str) -> None:
    text = VISIT_YAML.replace("entry: {start: true, menu: 走访登记, audience: [surveyor, staff], export: [ledger]}",
                              f"entry: {entry}")
    with pytest.raises(FormError) as err:
        load_registry(extra_forms={"visit_log": text})
    first_words = t(problem, key="starts", allowed="", value="").split("：")[0]
    assert any(p.startswith(first_words) for p in err.value.problems), err.value.problems


def test_a_second_household_form_or_a_renamed_one_stops_loading() -> None:
    twice = VISIT_YAML.replace("entry: {start: true,", "entry: {kind: household, start: true,")
    with pytest.raises(FormError, match="visit_log"):
        load_registry(extra_forms={"visit_log": twice})
    followup_start = VISIT_YAML.replace("entry: {start: true,", "entry: {kind: followup, start: true,")
    with pytest.raises(FormError) as err:
        load_registry(extra_forms={"visit_log": followup_start})
    assert t("form.entry.followup_start") in err.value.problems


# --- the bot: /new offers the forms, a button begins one -----------------------------------

@pytest.fixture
def visit_service(sqlite_url: str) -> IntakeService:
    return make_service(sqlite_url, visit_registry())


def test_new_offers_every_startable_form_and_its_button_begins_it(visit_service: IntakeService,
                                                                  tmp_path: Path) -> None:
    chat = Chat(visit_service, tmp_path)
    surveyor = make_user(visit_service, "surveyor", UNIT, tg_id=21)
    offered = sent(chat.send(surveyor, text="/new"))
    assert [m.text for m in offered] == [t("start.choose")]
    labels = {label: data for row in offered[0].buttons for label, data in row}
    assert labels == {"困难职工建档": buttons.START_FORM.data("archive"), "走访登记": buttons.START_FORM.data("visit_log")}
    assert visit_service.user(tg_id=21).active_interview_id is None  # nothing started before the choice

    began = sent(chat.send(surveyor, data=labels["走访登记"]))
    iid = visit_service.user(tg_id=21).active_interview_id
    assert iid is not None and load(visit_service, iid).form_key == "visit_log"
    assert "走访情况" in began[-1].text

    asked = sent(chat.send(surveyor, text=VISIT_PLAN["visit_note"]))  # the first answer through the bot
    assert "走访次数" in asked[-1].text
    assert load(visit_service, iid).state["answers"] == {"visit_note": VISIT_PLAN["visit_note"]}
    surveyor = visit_service.user(tg_id=21)
    reply = follow(visit_service, surveyor, visit_service.handle(user=surveyor, interview_id=iid, inp=Input("start")),
                   VISIT_PLAN)
    stored = load(visit_service, reply.interview_id or 0)
    assert stored.status == "submitted" and stored.state["answers"] == VISIT_PLAN


def test_a_form_the_role_may_not_begin_is_refused_from_its_button(visit_service: IntakeService,
                                                                  tmp_path: Path) -> None:
    chat = Chat(visit_service, tmp_path)
    worker = make_user(visit_service, "worker", UNIT, tg_id=22)
    surveyor = make_user(visit_service, "surveyor", UNIT, tg_id=23)
    for who, data in ((worker, buttons.START_FORM.data("visit_log")), (surveyor, buttons.START_FORM.data("followup")),
                      (surveyor, buttons.START_FORM.data("nosuch"))):
        assert [m.text for m in sent(chat.send(who, data=data))] == [t("start.stale")]
        assert visit_service.user(tg_id=who.tg_id).active_interview_id is None


def test_with_one_startable_form_new_and_start_ask_nothing(visit_service: IntakeService, tmp_path: Path) -> None:
    worker = make_user(visit_service, "worker", UNIT, tg_id=24)  # visit_log is not for workers: one form
    first = sent(Chat(visit_service, tmp_path).send(worker, text="/start"))
    assert t("start.choose") not in [m.text for m in first]
    assert load(visit_service, visit_service.user(tg_id=24).active_interview_id or 0).form_key == "archive"


def test_the_shipped_forms_start_at_once(sqlite_url: str, tmp_path: Path) -> None:
    service = make_service(sqlite_url)
    surveyor = make_user(service, "surveyor", UNIT, tg_id=25)
    out = sent(Chat(service, tmp_path).send(surveyor, text="/new"))
    iid = service.user(tg_id=25).active_interview_id
    assert iid is not None and out[0].text == t("tg.new_started", id=iid)
    assert load(service, iid).form_key == "archive"


# --- the terminal: --form KEY, or a numbered choice -----------------------------------------

def test_terminal_form_option_and_numbered_choice(visit_service: IntakeService) -> None:
    surveyor = make_user(visit_service, "surveyor", UNIT, local_name="term1")
    out = io.StringIO()
    TerminalChat(visit_service, surveyor, out).run(io.StringIO("入户看望\n3\n"), form="visit_log")
    assert "走访情况" in out.getvalue() and "走访次数" in out.getvalue()
    assert load(visit_service, visit_service.user(local_name="term1").active_interview_id or 0).form_key == "visit_log"

    second = make_user(visit_service, "surveyor", UNIT, local_name="term2")
    out = io.StringIO()
    TerminalChat(visit_service, second, out).run(io.StringIO("²\n9\n2\n"), new=True)
    text = out.getvalue()
    assert t("start.terminal_item", n=2, menu="走访登记") in text and text.count(t("start.terminal_choose")) == 3
    assert load(visit_service, visit_service.user(local_name="term2").active_interview_id or 0).form_key == "visit_log"

    with pytest.raises(SystemExit, match="nosuch"):
        TerminalChat(visit_service, second, io.StringIO()).run(io.StringIO(""), form="nosuch")


# --- no production code routes by a form's key ---------------------------------------------

# Words that are command or button names, not form keys, and the column default the lead may route later.
NOT_FORM_KEYS = {("bot/telegram/records.py", "followup"), ("bot/telegram/buttons.py", "followup"),
                 ("storage/models.py", "archive")}


def test_no_form_key_literal_outside_flows() -> None:
    found = []
    for layer in ("bot", "storage", "exports"):
        for path in (ROOT / layer).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" in rel:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            # stored_key("followup") names a form's kind: the lookup by kind, not a key
            kinds = {id(a) for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "stored_key"
                     for a in n.args}
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and node.value in ("archive", "followup") and id(node) not in kinds \
                        and (rel, node.value) not in NOT_FORM_KEYS:
                    found.append(f"{rel}:{node.lineno} {node.value!r}")
    assert found == []


def test_a_worker_may_choose_when_a_second_form_is_for_workers_too(sqlite_url: str, tmp_path: Path) -> None:
    for_workers = VISIT_YAML.replace("audience: [surveyor, staff]", "audience: [worker, surveyor]")
    registry = load_registry(timezone="Asia/Shanghai", extra_forms={"visit_log": for_workers})
    service = make_service(sqlite_url, registry)
    chat, worker = Chat(service, tmp_path), make_user(service, "worker", UNIT, tg_id=26)
    offered = sent(chat.send(worker, text="/start"))
    assert [m.text for m in offered] == [t("tg.welcome.worker"), t("start.choose")]
    assert service.user(tg_id=26).active_interview_id is None
    chat.send(worker, data=buttons.START_FORM.data("visit_log"))
    began = load(service, service.user(tg_id=26).active_interview_id or 0)
    assert (began.form_key, began.kind, began.subject_user_id) == ("visit_log", "self", worker.id)


def test_the_staff_export_desk_offers_the_ledger_of_every_form_that_asks(visit_service: IntakeService,
                                                                         tmp_path: Path) -> None:
    import openpyxl

    from bot.telegram.actions import SendDocument
    surveyor = make_user(visit_service, "surveyor", UNIT, tg_id=27)
    staff = make_user(visit_service, "staff", UNIT, tg_id=28)
    follow(visit_service, surveyor, visit_service.start_interview(user=surveyor, kind="survey", form_key="visit_log"),
           VISIT_PLAN)
    chat = Chat(visit_service, tmp_path)
    menu = sent(chat.send(staff, text="/export"))[-1]
    offered = {label: data for row in menu.buttons for label, data in row}
    label = t("start.export_kind", form="走访登记", fmt=t("rec.export.kind.xlsx"))
    assert buttons.parse(offered[label]).word("kind") == "xlsx.visit_log"
    assert t("rec.export.kind.xlsx") in offered  # the archive's own kinds are still there
    files = [a for a in chat.send(staff, data=buttons.EXPORT_MAKE.data("xlsx.visit_log", "ua"))
             if isinstance(a, SendDocument)]
    assert len(files) == 1 and files[0].filename.startswith("走访登记")
    sheet = openpyxl.load_workbook(io.BytesIO(files[0].data)).worksheets[0]
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert "走访情况" in cells and VISIT_PLAN["visit_note"] in cells and "身份证号" not in cells
