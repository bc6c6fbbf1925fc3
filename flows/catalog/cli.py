"""Texts of the `intake` command line and of the settings checks it reports (cli.*, settings.*)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "cli.polling_conflict": ("另一个进程正在用同一个机器人令牌接收消息（Telegram 409 Conflict）：同一个令牌只能运行一个 "
                             "intake run。请先停掉另一个进程（或删除它设置的 webhook），再启动本进程。"),
    "cli.override.need_reason": "error: --reason 不能为空：调整困难类别必须写明理由",
    "cli.override.done": "{ref}: 计算结果 {computed} → 调整为 {category}（理由：{reason}）",
    "settings.api_url": "应是 Bot API 服务器的根地址，如 https://api.telegram.org 或 http://127.0.0.1:8081",
    "settings.admin_id": "“{part}” 不是 Telegram 用户 id；应是逗号分隔的数字，如 12345678,87654321",
    "settings.timezone": "“{value}” 不是时区名称；应是 IANA 时区，如 Asia/Shanghai",
    "settings.hhmm": "应是 24 小时制的 时:分，如 18:00",
}
