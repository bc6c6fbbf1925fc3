"""`intake export`: write the ledger, CSV, printable 附件1 or the 附件2 table from the command line.

The command line (arguments, settings) lives here in bot/; the exports themselves are in exports/.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date
from typing import TYPE_CHECKING

from exports.form_pdf import PdfUnavailable
from exports.query import STATUS_FILTERS, FilterError, Filters, parse_date
from exports.service import FORMATS, run_export
from exports.stats_xlsx import Reporter
from flows.catalog import t

if TYPE_CHECKING:
    from bot.settings import Settings


def _date(text: str) -> date:
    try:
        return parse_date(text)
    except FilterError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_export(args: argparse.Namespace) -> int:
    """Run one export and print what was written."""
    from bot.settings import build_registry, load_settings
    from storage.db import make_engine
    from storage.migrate import ensure_schema

    settings = load_settings()
    if args.format == "notice":
        return _notice(args, settings)
    registry = build_registry(settings)
    try:
        filters = Filters(date_from=args.date_from, date_to=args.date_to, unit=args.unit, region=args.region,
                          status=args.status, tz=settings.timezone, form_key=args.form or registry.archive_form().key)
    except FilterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    engine = make_engine(args.db or settings.database_url)
    ensure_schema(engine)
    reporter = None
    if args.format == "stats":
        from exports.service import default_reporter
        saved = default_reporter(engine, filters)  # the unit's settings (`intake unit`), the city's without --unit
        reporter = Reporter(unit=args.reporter_unit or saved.unit, contact=args.contact or saved.contact,
                            phone=args.phone or saved.phone)
    try:
        result = run_export(engine, fmt=args.format, out=args.out, filters=filters, actor_id=None,
                            registry=registry, reporter=reporter,
                            audit_extra={"via": "cli", "os_user": getpass.getuser()})
    except (FilterError, PdfUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    if len(result.paths) == 1:
        print(t("export.cli.written", path=result.paths[0], rows=result.rows))
    else:  # the CSV: households, members and attachments, every file named
        print(t("export.cli.written_files", rows=result.rows, n=len(result.paths),
                names="、".join(str(p) for p in result.paths)))
    return 0


def _notice(args: argparse.Namespace, settings: Settings) -> int:
    """The 公示 list of one unit, for a staff member or admin named by --by."""
    from pathlib import Path

    from sqlmodel import Session, select

    from exports.notice import write_notice
    from bot.settings import build_registry
    from flows.policy import AccessDenied
    from storage.db import make_engine
    from storage.migrate import ensure_schema
    from storage.models import User

    fmt = Path(args.out).suffix.lstrip(".").lower()
    if not args.unit or not args.by or fmt not in ("xlsx", "html", "pdf"):
        print("error: --format notice needs --unit, --by (a staff member) and --out ending in .xlsx, .html or .pdf",
              file=sys.stderr)
        return 2
    engine = make_engine(args.db or settings.database_url)
    ensure_schema(engine)
    with Session(engine) as s:
        actor = s.exec(select(User).where((User.local_name == args.by) | (User.name == args.by))).first()
    try:
        rows = write_notice(engine, unit=args.unit, out_path=args.out, fmt=fmt, actor_id=actor.id if actor else -1,
                            registry=build_registry(settings))
    except AccessDenied:
        print(f"error: {args.by} may not publish the 公示 list of {args.unit} (staff of that unit or admins only)",
              file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(t("export.cli.written", path=args.out, rows=rows))
    return 0


def cmd_unit(args: argparse.Namespace) -> int:
    """`intake unit show [UNIT]`, `intake unit set UNIT FIELD VALUE` (UNIT "" or 全市: the city row)."""
    from bot.settings import load_settings
    from storage import units
    from storage.db import make_engine
    from storage.migrate import ensure_schema

    unit = "" if args.unit in ("", t("unit.city"), "city") else args.unit
    engine = make_engine(args.db or load_settings().database_url)
    ensure_schema(engine)
    try:
        if args.action == "set":
            field = units.field_of(args.field or "")
            if field is None or args.value is None:
                print(f"error: {t('unit.error.field', field=args.field, fields=', '.join(units.FIELDS))}",
                      file=sys.stderr)
                return 2
            try:
                units.set_value(engine, actor=None, unit=unit, field=field, text=args.value,
                                via={"via": "cli", "os_user": getpass.getuser()})
            except units.SettingError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 2
        info = units.unit_info(engine, unit)
    finally:
        engine.dispose()
    print(t("unit.show", unit=unit or t("unit.city"), full_name=info.full_name, contact=info.contact or "-",
            phone=info.phone or "-", days=info.notice_days).split("\n\n")[0])
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `export` and `unit` subcommands."""
    u = sub.add_parser("unit", help="show or set a unit's 填报单位 full name, 联系人, 联系电话 and 公示期",
                       description="What the exports print for a unit (附件2, the 公示 list, the daily delivery). "
                                   "UNIT 全市 (or '') is the city row: used without a unit filter and for what a "
                                   "unit leaves unset. FIELD: full_name (全称), contact (联系人), phone (电话), "
                                   "notice_days (公示期, days; default 7).")
    u.add_argument("action", choices=("show", "set"))
    u.add_argument("unit", nargs="?", default="", help="e.g. 东宝区总工会; 全市 for the city row")
    u.add_argument("field", nargs="?", default=None, help="full_name, contact, phone or notice_days")
    u.add_argument("value", nargs="?", default=None, help="the new value, e.g. 0724-2345678")
    u.add_argument("--db", help="database URL (default: DATABASE_URL)")
    u.set_defaults(func=cmd_unit)

    p = sub.add_parser("export", help="export households: xlsx ledger, csv, printable html/pdf, 附件2 stats",
                       description="Write the 电子台账 (xlsx), CSV (UTF-8 with BOM; members in a second file), "
                                   "the printable 附件1 (html, pdf) or the 附件2 统计表 (stats). "
                                   "Default: submitted and approved households of all time.")
    p.add_argument("--format", required=True, choices=(*FORMATS, "notice"),
                   help="xlsx, csv, html, pdf, stats, or notice (the 公示 list of --unit)")
    p.add_argument("--out", required=True, help="output file, e.g. ledger.xlsx")
    p.add_argument("--from", dest="date_from", type=_date, default=None, metavar="DATE",
                   help="first submission day, e.g. 2026-11-01 (in INTAKE_TIMEZONE)")
    p.add_argument("--to", dest="date_to", type=_date, default=None, metavar="DATE",
                   help="last submission day, inclusive, e.g. 2026-11-30")
    p.add_argument("--unit", default=None, help="only this union unit, e.g. 东宝区总工会")
    p.add_argument("--region", default=None, help="only this 户口所在地, e.g. 东宝区")
    p.add_argument("--status", default="default", choices=list(STATUS_FILTERS),
                   help="submitted, approved, closed (the 脱困档案库), reopened (返贫 within the dates) or all "
                        "(default: the current archive: "
                        "submitted and approved, not 脱困)")
    p.add_argument("--form", default=None, metavar="KEY",
                   help="the form to export (xlsx/csv: any form whose entry.export has ledger; default: the archive)")
    p.add_argument("--by", default=None, help="with --format notice: the staff member publishing it")
    p.add_argument("--reporter-unit", default=None,
                   help="附件2 填报单位 (default: the unit's full name from `intake unit`; without --unit the city's)")
    p.add_argument("--contact", default=None, help="附件2 联系人 (default: the unit's setting)")
    p.add_argument("--phone", default=None, help="附件2 联系电话 (default: the unit's setting)")
    p.add_argument("--db", help="database URL (default: DATABASE_URL or sqlite:///intake.db)")
    p.set_defaults(func=cmd_export)
