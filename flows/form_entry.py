"""How a form is reached and what covers it: the ``entry:`` block of a form file, parsed and checked.

A form file without the block is loaded and can be run, but nothing in the bot starts it and no
export covers it. The block says:

    entry:
      kind: household      # household: the archive record (附件1 — 附件2, 公示 and follow-ups hang on it);
                           # followup: started from a household in the archive; form: any other (default)
      start: true          # /new (and /start for workers, the terminal) begin it
      menu: 困难职工建档     # its button when /new offers more than one form (needed with start)
      audience: [worker, surveyor, staff, admin]   # the roles that may start it (flows.policy.ROLES)
      export: [ledger]     # the exports that cover it: ledger (the XLSX / CSV of its fields)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from flows.catalog import t
from flows.policy import ROLES

KINDS = ("household", "followup", "form")
SINGLE_KINDS = ("household", "followup")  # at most one form of each in a registry
EXPORTS = ("ledger",)
_ATTRS = ("kind", "start", "menu", "audience", "export")
# The key every stored row of a single-kind form carries (Interview.form_key): storage finds households
# and follow-ups by it without a registry, so the registry checks that the form of that kind has it.
# Renaming the archive form would need a data migration, not an edit here.
STORED_KEYS = {"household": "archive", "followup": "followup"}


def stored_key(kind: str) -> str:
    """The form key of the one form of ``kind`` (household, followup), as stored rows carry it."""
    return STORED_KEYS[kind]


@dataclass(frozen=True)
class Entry:
    """A form's way in: its kind, whether and for whom /new starts it, and the exports that cover it."""

    kind: str = "form"
    start: bool = False
    menu: str = ""
    audience: tuple[str, ...] = ()
    export: tuple[str, ...] = ()

    def starts_for(self, role: str) -> bool:
        """True when a person of ``role`` may begin this form from /new, /start or the terminal."""
        return self.start and role in self.audience

    @property
    def ledger(self) -> bool:
        """True when the ledger export (XLSX / CSV) covers this form."""
        return "ledger" in self.export


def _names(raw: Any) -> list[str] | None:
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, list) and all(isinstance(x, str) for x in raw):
        return list(raw)
    return None


def parse_entry(raw: Any, problems: list[str]) -> Entry:
    """The entry block (absent: reached by no command, covered by no export); problems are appended."""
    if raw is None:
        return Entry()
    if not isinstance(raw, Mapping):
        problems.append(t("form.entry.not_mapping"))
        return Entry()
    for k in sorted(set(map(str, raw)) - set(_ATTRS)):
        problems.append(t("form.entry.unknown", key=k, allowed=", ".join(_ATTRS)))
    kind = str(raw.get("kind", "form"))
    if kind not in KINDS:
        problems.append(t("form.entry.kind", value=kind, allowed=", ".join(KINDS)))
    start = raw.get("start", False)
    if not isinstance(start, bool):
        problems.append(t("form.entry.start", value=start))
        start = False
    menu = str(raw.get("menu") or "")
    audience = _names(raw.get("audience", []))
    if audience is None or not set(audience) <= set(ROLES):
        problems.append(t("form.entry.audience", value=raw.get("audience"), allowed=", ".join(ROLES)))
        audience = []
    export = _names(raw.get("export", []))
    if export is None or not set(export) <= set(EXPORTS):
        problems.append(t("form.entry.export", value=raw.get("export"), allowed=", ".join(EXPORTS)))
        export = []
    if start and (not menu or not audience):
        problems.append(t("form.entry.start_needs"))
    if start and kind == "followup":
        problems.append(t("form.entry.followup_start"))
    return Entry(kind=kind, start=start, menu=menu, audience=tuple(audience), export=tuple(export))
