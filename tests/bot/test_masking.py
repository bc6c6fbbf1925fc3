"""One masking function for every log line and the CLI's last error line (issue 13, findings 9 and 10)."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from bot import cli
from bot.logging_setup import LIBRARIES, MaskingFilter, mask, setup_logging

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
SECRETS = {
    "139-1234-5678": "139****5678", "139 1234 5678": "139****5678", "１３９１２３４５６７８": "139****5678",
    "6222 0212 3456 7890 128": "6222***********0128", "6222-0212-3456-7890-128": "6222***********0128",
    "420802 19750314 1232": "420802********1232", "４２０８０２１９７５０３１４１２３２": "420802********1232",
    "420802-19781120-002X": "420802********002X", "42080219781120002ｘ": "420802********002x",
    "420802197503141232": "420802********1232", "13912345678": "139****5678",
}


@pytest.mark.parametrize("typed", sorted(SECRETS))
def test_numbers_are_masked_however_they_are_typed(typed: str) -> None:
    out = mask(f"saving 电话 {typed}, done")
    assert out == f"saving 电话 {SECRETS[typed]}, done"


def test_dates_times_counts_and_ids_of_rows_stay_readable() -> None:
    text = "2026-12-02 01:41:48 interview 12 advanced by user 700001 (3 events); 448000; 1200.50 元"
    assert mask(text) == text


@pytest.mark.parametrize("where", [
    f"The token `{TOKEN}` was rejected by the server.",
    f"Telegram server says - Unauthorized: GET https://api.telegram.org/bot{TOKEN}/getMe",
    f"ClientConnectorError: http://127.0.0.1:8081/bot{TOKEN}/getUpdates?offset=3",
])
def test_the_bot_token_is_masked_everywhere(where: str) -> None:
    out = mask(where)
    assert TOKEN not in out and "AAHdqTcvCH1vGWJ" not in out and "123456789:<token>" in out


def test_the_cli_last_error_line_is_masked(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    def boom(_args: object) -> int:
        raise RuntimeError(f"The token `{TOKEN}` was rejected; row ('420802 19750314 1232', '139-1234-5678')")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setattr(cli, "cmd_assess", boom)
    assert cli.main(["assess", "-"]) == 1
    err = capsys.readouterr().err
    last = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(last) == 1 and "123456789:<token>" in last[0] and "420802********1232" in last[0]
    for secret in (TOKEN, "420802 19750314 1232", "139-1234-5678", "AAHdqTcv"):
        assert secret not in err


def test_the_cli_process_prints_no_token_on_a_rejected_token(tmp_path: Path) -> None:
    """A separate `intake` process: a command error carrying the token in a URL is printed masked."""
    code = ("import sys; from bot import cli\n"
            "def boom(a): raise RuntimeError('Unauthorized: /bot" + TOKEN + "/getMe')\n"
            "cli.cmd_assess = boom  # build_parser binds the subcommand when main calls it\n"
            "sys.exit(cli.main(['assess', '-']))\n")
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1
    assert TOKEN not in done.stderr and "AAHdqTcv" not in done.stderr
    assert "error: Unauthorized: /bot123456789:<token>/getMe" in done.stderr


def _capture() -> tuple[io.StringIO, logging.Handler]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskingFilter())
    return stream, handler


def test_stack_info_is_masked_too() -> None:
    stream, handler = _capture()
    log = logging.getLogger("test.masking.stack")
    log.addHandler(handler)
    try:
        log.warning("card %s", "6222 0212 3456 7890 128", stack_info=True)
    finally:
        log.removeHandler(handler)
    assert "6222 0212 3456 7890 128" not in stream.getvalue() and "Stack (most recent call last)" in stream.getvalue()


@pytest.fixture
def clean_levels() -> object:
    root = logging.getLogger()
    saved = (root.level, {n: logging.getLogger(n).level for n in (*LIBRARIES, "aiogram.event")})
    yield
    root.setLevel(saved[0])
    for name, level in saved[1].items():
        logging.getLogger(name).setLevel(level)


@pytest.mark.usefixtures("clean_levels")
def test_libraries_stay_at_info_when_our_level_is_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INTAKE_LIBRARY_LOG_LEVEL", raising=False)
    setup_logging("DEBUG")
    assert logging.getLogger("intake").isEnabledFor(logging.DEBUG)
    for name in ("aiogram", "telegram", "telegram.ext", "httpx", "aiohttp", "sqlalchemy", "sqlalchemy.engine"):
        assert not logging.getLogger(name).isEnabledFor(logging.DEBUG), name


@pytest.mark.usefixtures("clean_levels")
def test_a_separate_setting_opens_the_libraries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTAKE_LIBRARY_LOG_LEVEL", "DEBUG")
    setup_logging("INFO")
    assert logging.getLogger("telegram.ext").isEnabledFor(logging.DEBUG)
    assert not logging.getLogger("intake").isEnabledFor(logging.DEBUG)


@pytest.mark.usefixtures("clean_levels")
def test_every_root_handler_masks(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    foreign = logging.StreamHandler(stream)  # a handler a library or a host added before us
    root = logging.getLogger()
    root.addHandler(foreign)
    try:
        setup_logging("INFO")
        logging.getLogger("telegram.ext").warning("update from 139 1234 5678 via /bot%s/getUpdates", TOKEN)
    finally:
        root.removeHandler(foreign)
    out = stream.getvalue()
    assert "139****5678" in out and TOKEN not in out


def test_sqlalchemy_stays_at_warning_unless_opened(monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLAlchemy at INFO logs every statement with its parameters (answers) and every mapper: never by default."""
    import logging

    from bot.logging_setup import setup_logging

    monkeypatch.delenv("INTAKE_LIBRARY_LOG_LEVEL", raising=False)
    setup_logging("INFO")
    for name in ("sqlalchemy", "sqlalchemy.orm.mapper", "sqlalchemy.engine", "sqlalchemy.pool"):
        assert not logging.getLogger(name).isEnabledFor(logging.INFO), name
    assert logging.getLogger("aiogram").isEnabledFor(logging.INFO)  # start-up lines of the bot library stay
