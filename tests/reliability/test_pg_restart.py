"""PostgreSQL restarted while the bot is busy (once cleanly, once as a crash): the bot reconnects by itself
and loses nothing it acknowledged; the people whose answers failed meanwhile are told and carry on.

The server restarted here is a private one this test creates (initdb in a scratch folder, its own port),
not the shared server on 5432: restarting that one would break whatever else is using it at the time.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.households import plan
from tests.e2e.conftest import free_port, our_errors
from tests.e2e.fake_bot_api import TgUser
from tests.reliability.outcome import check_outcome, references
from tests.reliability.people import Worker, run_workers
from tests.reliability.standin import Bot

USERS = 8
RESTARTS = ((150, "fast"), (400, "immediate"))  # (delivered updates before it, pg_ctl shutdown mode)


def _bindir() -> Path | None:
    """Where initdb and pg_ctl live (Debian keeps them out of PATH)."""
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True, check=False).stdout.strip()
        if out and (Path(out) / "pg_ctl").exists():
            return Path(out)
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(candidates[-1]).parent if candidates else None


class PrivatePostgres:
    """A throwaway PostgreSQL server on 127.0.0.1 (trust auth), owned by one test."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="intake-pg-"))  # not under pytest's 0700 folders
        self.data = self.root / "data"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0  # the server refuses to run as root

    @property
    def url(self) -> str:
        """The database URL for the bot."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, timeout: float = 60) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}")

    def create(self) -> None:
        """initdb and start."""
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        self.start()

    def start(self) -> None:
        """Start and wait until it accepts connections."""
        opts = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=60"
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.root / "server.log"), "-w", "start")
        self._run("pg_isready", "-h", "127.0.0.1", "-p", str(self.port), "-t", "30")

    def stop(self, mode: str = "fast") -> None:
        """Stop (fast: clean shutdown, immediate: like a crash, recovered from the WAL at the next start)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        """Stop if running and delete everything."""
        try:
            self.stop("immediate")
        except RuntimeError:
            pass
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def private_pg() -> Iterator[PrivatePostgres]:
    """A PostgreSQL server this test may restart."""
    bindir = _bindir()
    if bindir is None or not (bindir / "initdb").exists():
        pytest.skip("PostgreSQL server programs (initdb, pg_ctl) are not installed")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: cannot start a PostgreSQL server as user postgres")
    server = PrivatePostgres(bindir)
    try:
        server.create()
        yield server
    finally:
        server.remove()


class Restarter(threading.Thread):
    """Restarts the database server after given numbers of delivered updates."""

    def __init__(self, bot: Bot, server: PrivatePostgres) -> None:
        super().__init__(name="pg-restarter", daemon=True)
        self.bot, self.server = bot, server
        self.done: list[tuple[str, float]] = []  # (mode, seconds down)
        self.error: BaseException | None = None

    def run(self) -> None:
        api = self.bot.api
        try:
            for after, mode in RESTARTS:
                if not api.wait_until(lambda a=after: api.deliveries >= a, timeout=120):
                    raise AssertionError(f"only {api.deliveries} updates delivered, waiting for {after}")
                began = time.monotonic()
                try:
                    self.server.stop(mode)
                    time.sleep(0.3)  # down for a moment while answers keep coming
                finally:
                    self.server.start()  # always back up, whatever happened
                self.done.append((mode, time.monotonic() - began))
        except BaseException as exc:  # noqa: BLE001 - re-raised by the test
            self.error = exc


@pytest.mark.slow
@pytest.mark.pg
def test_postgresql_restarts_under_load_lose_nothing_acknowledged(private_pg: PrivatePostgres, tmp_path: Path) -> None:
    plans = [plan(400 + i) for i in range(USERS)]
    expected = references(plans)
    bot = Bot("aiogram", tmp_path, db_url=private_pg.url)
    bot.start()
    assert bot.proc is not None
    pid = bot.proc.pid
    workers = [Worker(bot.api, TgUser(740_001 + i, p["name"]), p, db=bot.db) for i, p in enumerate(plans)]
    restarter = Restarter(bot, private_pg)
    restarter.start()
    try:
        run_workers(workers, timeout=180)
        restarter.join(60)
        alive = bot.proc.poll() is None
    finally:
        code = bot.stop()
        log = bot.log()
        bot.close()
    assert restarter.error is None, restarter.error
    assert [mode for mode, _ in restarter.done] == [mode for _, mode in RESTARTS]
    assert alive and bot.proc.pid == pid, "the bot had to be restarted"
    assert code in (0, None, -signal.SIGTERM), log[-3000:]

    failed = sum(w.failures_seen for w in workers)
    waited = len(re.findall(r"database unavailable \(", log))
    print(f"\n{USERS} interviews, {bot.api.deliveries} deliveries, restarts {restarter.done}, "
          f"{waited} tries waited for the database, {failed} answers refused and sent again")
    assert waited + failed > 0, "no answer arrived while the database was down: the restart proved nothing"
    # Every restart here is over in a few seconds, well inside the bot's patience: nobody hears "出错了".
    assert failed == 0, f"{failed} answers were refused while the database restarted ({restarter.done}):\n" + "\n".join(our_errors(log)[:6])
    problems = [p for w, ref in zip(workers, expected) for p in check_outcome(bot.db, w, ref)]
    assert not problems, "\n".join(problems[:20])
    # The only errors: updates that failed while the database was unreachable, logged without their content.
    outage = re.compile(r"update \d+ from user \d+ failed: (OperationalError|InterfaceError|PendingRollbackError)")
    unexpected = [line for line in our_errors(log) if not outage.search(line)]
    assert not unexpected, unexpected[:5]
