"""End-to-end fixtures: the real `intake run` process (each runtime) against the fake Bot API on 127.0.0.1."""

from __future__ import annotations

import itertools
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy.engine import Engine

from storage.db import make_engine
from tests.e2e.fake_bot_api import FakeBotAPI, TgUser
from tests.e2e.people import Person

TOKEN = "123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz"
ADMIN_ID = 900001
REPO = Path(__file__).resolve().parents[2]
RUNTIMES = ("aiogram", "ptb")
P = TypeVar("P", bound="BotProcess")
LOOPBACK = ("127.0.0.1", "::1", "localhost")

# Put on the bot process's path: any connection that is not to the loopback interface fails.
NETWORK_GUARD = '''
import socket
_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex
def _check(sock, address):
    if sock.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in ("127.0.0.1", "::1", "localhost"):
        raise ConnectionRefusedError("e2e tests refuse network access to %r" % (address[0],))
def connect(self, address):
    _check(self, address)
    return _connect(self, address)
def connect_ex(self, address):
    _check(self, address)
    return _connect_ex(self, address)
socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
'''


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything here is an e2e test."""
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session", autouse=True)
def _no_network_in_tests() -> Iterator[None]:
    """The test process itself may only talk to 127.0.0.1."""
    original = socket.socket.connect

    def guarded(sock: socket.socket, address: Any) -> Any:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in LOOPBACK:
            raise ConnectionRefusedError(f"e2e tests refuse network access to {address[0]!r}")
        return original(sock, address)

    socket.socket.connect = guarded  # type: ignore[method-assign]
    yield
    socket.socket.connect = original  # type: ignore[method-assign]


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class BotProcess:
    """The real `intake run` as a subprocess, its fake Bot API, database and attachment folder."""

    def __init__(self, runtime: str, workdir: Path) -> None:
        self.runtime, self.workdir = runtime, workdir
        self.api = FakeBotAPI(TOKEN).start()
        self.db_url = f"sqlite:///{workdir / 'intake.db'}"
        self.attachments = workdir / "attachments"
        self.log_path = workdir / "bot.log"
        self.tmp = workdir / "tmp"  # the bot's TMPDIR: exports it writes must not be left behind
        self.tmp.mkdir(exist_ok=True)
        self.webhook_port = free_port()
        self.secret = "e2e_secret-Token_42"
        self.proc: subprocess.Popen[bytes] | None = None
        self._ids = itertools.count(700_001)
        self._engine: Engine | None = None
        guard = workdir / "guard"
        guard.mkdir(exist_ok=True)
        (guard / "sitecustomize.py").write_text(NETWORK_GUARD, encoding="utf-8")
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("TELEGRAM_", "INTAKE_", "DATABASE_")) and "proxy" not in k.lower()}
        self.env.update({
            "PYTHONPATH": os.pathsep.join([str(guard), str(REPO)]), "PYTHONUNBUFFERED": "1",
            "NO_PROXY": "127.0.0.1,localhost", "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": self.api.url,
            "DATABASE_URL": self.db_url, "INTAKE_ADMIN_IDS": str(ADMIN_ID),
            "INTAKE_ATTACHMENTS_DIR": str(self.attachments), "INTAKE_LOG_LEVEL": "INFO",
            "INTAKE_WEBHOOK_SECRET": self.secret, "INTAKE_WEBHOOK_HOST": "127.0.0.1",
            "INTAKE_WEBHOOK_PORT": str(self.webhook_port), "INTAKE_WEBHOOK_PATH": "/tg/hook",
            "TMPDIR": str(self.tmp),
        })

    def start(self, *, webhook: bool = False) -> None:
        """Start `intake run` and wait until it polls (or its webhook server answers)."""
        polls = self.api.get_updates_calls
        cmd = [sys.executable, "-m", "bot.cli", "run", "--runtime", self.runtime, "--poll-timeout", "5"]
        if webhook:
            cmd.append("--webhook")
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(cmd, env=self.env, cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        end = time.monotonic() + 40
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise AssertionError(f"bot exited with {self.proc.returncode}:\n{self.log()}")
            if not webhook and self.api.get_updates_calls > polls:
                return
            if webhook and _port_open(self.webhook_port):
                return
            time.sleep(0.05)
        raise AssertionError(f"bot did not start:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL: no chance to clean up."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> int | None:
        """SIGTERM and wait; SIGKILL if it hangs."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def log(self) -> str:
        """Everything the bot printed."""
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def person(self, first_name: str = "王建国", *, user_id: int | None = None) -> Person:
        """A new Telegram user (or the admin, by id)."""
        return Person(self.api, TgUser(user_id or next(self._ids), first_name))

    @property
    def db(self) -> Engine:
        """The bot's database, opened by the test for checks."""
        if self._engine is None:
            self._engine = make_engine(self.db_url)
        return self._engine

    def close(self) -> None:
        """Stop everything."""
        self.stop()
        if self._engine is not None:
            self._engine.dispose()
        self.api.stop()


def our_errors(log: str) -> list[str]:
    """Error lines our own code logged (library noise about injected 502s is expected)."""
    return re.findall(r"^.* (?:ERROR|CRITICAL) (?:bot|storage|flows|intake)\b.*$", log, re.MULTILINE)


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def running(proc: P, *, start: bool = True) -> Iterator[P]:
    """The bot process (started unless the test starts it), then stopped: it must have logged no errors
    of ours and exited cleanly."""
    if start:
        proc.start()
    try:
        yield proc
    finally:
        code = proc.stop()
        log = proc.log()
        proc.close()
        assert not our_errors(log), f"the bot logged errors:\n{log[-5000:]}"
        assert code in (0, None, -signal.SIGTERM), f"bot exited with {code}:\n{log[-5000:]}"


@pytest.fixture(scope="module", params=RUNTIMES)
def bot(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    """One bot process per runtime, shared by a test module (each test uses its own people)."""
    with running(BotProcess(request.param, tmp_path_factory.mktemp(f"bot-{request.param}"))) as proc:
        yield proc
