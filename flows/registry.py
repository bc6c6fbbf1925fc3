"""Loads the data files (forms, standards, tag rules) once, and builds the engine's context.

It also holds the clock and the one time zone every date is read in: whoever builds the registry
passes Settings.timezone (INTAKE_TIMEZONE); DEFAULT_TIMEZONE is the only literal zone in the code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from typing import Any, Callable, Mapping
from zoneinfo import ZoneInfo

import yaml

from flows.form import Form, FormError, parse_form
from flows.form_entry import SINGLE_KINDS, stored_key
from flows.catalog import t
from flows.household import assess_answers, below_standard
from flows.outputs import Context
from flows.standards import StandardsTable, parse_standards
from flows.tag_rules import TagRules, parse_tag_rules

DEFAULT_TIMEZONE = "Asia/Shanghai"  # the unions' wall calendar; Settings.timezone defaults to it


def _read_text(package: str, name: str) -> str:
    return resources.files(package).joinpath(name).read_text(encoding="utf-8")


def load_form_text(text: str) -> Form:
    """Parse and check a form file's YAML text."""
    return parse_form(yaml.safe_load(text))


def load_standards(text: str | None = None) -> StandardsTable:
    """The shipped standards table, or the JSON text of the file staff point INTAKE_STANDARDS_FILE at."""
    return parse_standards(json.loads(text if text is not None else _read_text("flows", "data/standards.json")))


@dataclass(frozen=True)
class WallClock:
    """The current time in one zone (the registry's clock unless a test pins another)."""

    tz: ZoneInfo

    def __call__(self) -> datetime:
        return datetime.now(self.tz)


@dataclass
class Registry:
    """Forms, the standards table and tag rules, loaded once and injected everywhere."""

    forms: dict[str, Form]
    standards: StandardsTable
    tags: TagRules
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TIMEZONE))
    clock: Callable[[], datetime] | None = None  # the current time; None: the wall clock in ``tz``

    def __post_init__(self) -> None:
        if self.clock is None:
            self.clock = WallClock(self.tz)

    def now(self) -> datetime:
        """The current time in the configured zone (a naive test clock is taken as local time already)."""
        at = (self.clock or WallClock(self.tz))()
        return at.astimezone(self.tz) if at.tzinfo else at

    def form(self, key: str | None = None) -> Form:
        """A form by key (None: the archive form)."""
        return self.forms[key] if key is not None else self.archive_form()

    # --- which form for what: read from each form file's ``entry:`` block (flows.form_entry) ----
    def _of_kind(self, kind: str) -> Form:
        for form in self.forms.values():
            if form.entry.kind == kind:
                return form
        raise KeyError(t("form.entry.missing", kind=kind))

    def archive_form(self) -> Form:
        """The household form (entry.kind: household): 附件1, and what 附件2, 公示 and follow-ups hang on."""
        return self._of_kind("household")

    def followup_form(self) -> Form:
        """The form started from a household in the archive (entry.kind: followup)."""
        return self._of_kind("followup")

    def startable_forms(self, role: str) -> list[Form]:
        """The forms a person of ``role`` may begin (entry.start and the role in entry.audience).

        The household form first, the others by key: the first is the default.
        """
        found = [f for f in self.forms.values() if f.entry.starts_for(role)]
        return sorted(found, key=lambda f: (f.entry.kind != "household", f.key))

    def default_form(self, role: str) -> Form | None:
        """The form /start, /new and the terminal begin without asking (None: the role starts none)."""
        forms = self.startable_forms(role)
        return forms[0] if forms else None

    def ledger_forms(self) -> list[Form]:
        """The forms the ledger export (XLSX / CSV) covers (entry.export has ledger), the household form first."""
        found = [f for f in self.forms.values() if f.entry.ledger]
        return sorted(found, key=lambda f: (f.entry.kind != "household", f.key))

    def assess(self, answers: Mapping[str, Any]) -> dict[str, Any] | None:
        """The eligibility decision for a set of answers."""
        return assess_answers(answers, self.standards, self.tags)

    def context(self, *, actor_id: str = "", actor_name: str = "",
                find_duplicate: Callable[[str], Mapping[str, Any] | None] | None = None,
                name_household: bool = False) -> Context:
        """The engine's view of the world for one input (``name_household``: someone else's record)."""
        now = self.now()
        return Context(
            today=now.date(), now=now.strftime("%Y-%m-%d %H:%M"), actor_id=actor_id, actor_name=actor_name,
            region_names=self.standards.region_names(), find_duplicate=find_duplicate,
            assess=self.assess, below_standard=self.below_standard, name_household=name_household,
        )

    def below_standard(self, answers: Mapping[str, Any]) -> bool | None:
        """Whether the household's income is below its region's 低保 standard (None: not known yet).

        A bound method, so contexts of one registry compare equal (the slot memo keys on it).
        """
        return below_standard(answers, self.standards)

    def today(self) -> date:
        """Today in the configured time zone."""
        return self.now().date()


def load_registry(*, standards_text: str | None = None, extra_forms: dict[str, str] | None = None,
                  timezone: str = DEFAULT_TIMEZONE) -> Registry:
    """Load every shipped form and the standards; a broken file stops here with every problem listed.

    ``standards_text``: another standards table's JSON (bot.settings.build_registry reads the file);
    ``timezone``: an IANA name (Settings.timezone); an unknown one raises ZoneInfoNotFoundError here.
    """
    forms: dict[str, Form] = {}
    for entry in resources.files("flows").joinpath("forms").iterdir():
        if entry.name.endswith(".yaml"):
            form = load_form_text(entry.read_text(encoding="utf-8"))
            forms[form.key] = form
    for text in (extra_forms or {}).values():
        form = load_form_text(text)
        forms[form.key] = form
    check_kinds(forms)
    tags = parse_tag_rules(json.loads(_read_text("flows", "data/tags.json")))
    return Registry(forms=forms, standards=load_standards(standards_text), tags=tags, tz=ZoneInfo(timezone))


def check_kinds(forms: Mapping[str, Form]) -> None:
    """One form of each single kind (household, followup), carrying the key stored rows have."""
    problems: list[str] = []
    for kind in SINGLE_KINDS:
        of_kind = sorted(f.key for f in forms.values() if f.entry.kind == kind)
        if len(of_kind) > 1:
            problems.append(t("form.entry.twice", forms="、".join(of_kind), kind=kind))
        elif not of_kind:
            problems.append(t("form.entry.missing", kind=kind))
        elif of_kind[0] != stored_key(kind):
            problems.append(t("form.entry.stored_key", kind=kind, key=stored_key(kind), value=of_kind[0]))
    if problems:
        raise FormError(problems)
