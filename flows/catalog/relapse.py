"""返贫 in the exports (export.reopen.*): the households that came back into the archive, marked as such."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "export.status_filter.reopened": "返贫（重新纳入帮扶）",
    "export.reopen.col.mark": "本期变动",
    "export.reopen.mark": "返贫",
    "export.reopen.col.date": "返贫日期",
    "export.reopen.col.reason": "返贫原因",
    "export.reopen.col.by": "办理人",
    "export.daily.reopened_caption": "{unit} {day} 办理返贫（重新纳入帮扶）的家庭：{rows} 户",
}
