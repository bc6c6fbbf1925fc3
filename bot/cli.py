"""`intake` command line: chat, run, assess, export, invite, db, bench."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from pathlib import Path
from typing import Callable

from bot.file_modes import check_private, private_umask
from bot.logging_setup import print_error, setup_logging
from flows.policy import ROLES

Handler = Callable[[argparse.Namespace], int]


def _service(args: argparse.Namespace):  # noqa: ANN202 - returns (settings, service)
    from bot.service import IntakeService
    from bot.settings import build_registry, load_settings
    from storage.db import make_engine
    from storage.migrate import ensure_schema

    settings = load_settings()
    url = getattr(args, "db", None) or settings.database_url
    engine = make_engine(url)
    ensure_schema(engine)
    return settings, IntakeService(engine, build_registry(settings))


def cmd_chat(args: argparse.Namespace) -> int:
    """Run an interview in the terminal."""
    from bot.terminal import TerminalChat
    from sqlmodel import Session
    from flows import policy
    from storage import repo

    _, service = _service(args)
    name = args.user or getpass.getuser() or "terminal"
    user = service.user(local_name=name, name=args.name or name)
    role = args.role or (None if policy.may_start_survey(user) else policy.SURVEYOR)
    if role and user.role != role:
        with Session(service.db, expire_on_commit=False) as s:
            repo.set_role(s, user=user, role=role, unit=args.unit, actor_id=user.id)
    return TerminalChat(service, user).run(sys.stdin, new=args.new, form=args.form)


def cmd_assess(args: argparse.Namespace) -> int:
    """Decide eligibility for one household given as JSON (spec §5)."""
    from bot.settings import build_registry, load_settings
    from flows.eligibility import InputError, assess, inputs_from_mapping, result_to_json
    from flows.standards import UnknownRegion

    try:
        text = sys.stdin.read() if args.file == "-" else open(args.file, encoding="utf-8").read()
    except OSError as exc:
        print(f"error: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        print(f"error: not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}", file=sys.stderr)
        return 2
    if not isinstance(data, dict):
        print("error: the input must be one JSON object, e.g. {\"region\": \"东宝区\", ...}", file=sys.stderr)
        return 2
    settings = load_settings()
    registry = build_registry(settings, standards_file=args.standards)
    try:
        result = assess(inputs_from_mapping(data), registry.standards, registry.tags)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except UnknownRegion as exc:
        print(f"error: region: {exc}", file=sys.stderr)
        return 2
    out = result_to_json(result)
    out.setdefault("standards_version", registry.standards.version)
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(prog="intake", description="困难城镇职工档案 survey bot (intake).")
    parser.add_argument("--log-level", default=None, help="DEBUG, INFO, WARNING (default from INTAKE_LOG_LEVEL)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("chat", help="run an interview in the terminal (resumes the last draft)",
                       description="Interview over stdin/stdout on the same database; works with piped input.")
    p.add_argument("--user", help="terminal user name (default: the OS user)")
    p.add_argument("--name", help="display name, e.g. 张调查员 (offered as 建档人/录入人)")
    p.add_argument("--role", choices=list(ROLES), default=None,
                   help="role of this terminal user (default: surveyor for a new user)")
    p.add_argument("--unit", default=None, help="the union unit this user belongs to")
    p.add_argument("--new", action="store_true", help="start a new interview instead of resuming")
    p.add_argument("--form", default=None, help="start a new interview of this form (its key, e.g. archive); "
                   "with --new and several forms the terminal asks which")
    p.add_argument("--db", help="database URL (default: DATABASE_URL or sqlite:///intake.db)")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("assess", help="decide eligibility for a household JSON (spec §5)",
                       description="Print the eligibility decision as JSON; exit 2 on bad input.")
    p.add_argument("file", help="JSON file, or - for standard input")
    p.add_argument("--standards", help="standards table file (default: INTAKE_STANDARDS_FILE or the shipped one)")
    p.set_defaults(func=cmd_assess)

    for register in _optional_commands():
        register(sub)
    return parser


def _optional_commands() -> list[Callable[[argparse._SubParsersAction], None]]:
    """Subcommands that live in their own modules (bot runtime, exports, admin, bench)."""
    out = []
    for module in ("bot.cli_db", "bot.cli_records", "bot.cli_run", "bot.cli_admin", "bot.cli_export", "bench.cli"):
        try:
            mod = __import__(module, fromlist=["register"])
        except ImportError as exc:
            if exc.name and module.startswith(exc.name):
                continue
            raise
        out.append(mod.register)
    return out


def _check_files(args: argparse.Namespace) -> None:
    """One warning line when the database, attachments or export folder is open to other local users."""
    from bot.settings import SettingsError, load_settings

    try:
        settings = load_settings()
    except SettingsError:  # the command itself reports a bad setting
        return
    out = getattr(args, "out", None)
    check_private(database_url=getattr(args, "db", None) or settings.database_url,
                  attachments=settings.attachments_dir,
                  export_dir=(Path(out).resolve().parent if isinstance(out, str) else None))


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `intake` console command."""
    private_umask()  # before anything opens a file: database, -wal/-shm, attachments, exports are 0600/0700
    args = build_parser().parse_args(argv)
    setup_logging(args.log_level)
    try:
        _check_files(args)
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except SystemExit:
        raise
    except Exception as exc:  # a last line of defence: a clear message, not a traceback
        logging.getLogger("intake").exception("command failed")
        print_error(exc)  # masked: library errors carry the bot token, statements carry ID numbers
        return 1


if __name__ == "__main__":
    sys.exit(main())
