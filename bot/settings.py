"""One Settings object, from the environment or .env; start-up fails clearly on a bad value."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from flows.catalog import t
from flows.registry import DEFAULT_TIMEZONE, Registry, load_registry

_TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]{20,}$")


class SettingsError(SystemExit):
    """A missing or malformed setting; the message names it and shows a good value."""


class Settings(BaseSettings):
    """Everything configurable, with the embedded defaults."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    telegram_bot_token: SecretStr | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_api_url: str = Field(default="https://api.telegram.org", alias="TELEGRAM_API_URL")
    database_url: str = Field(default="sqlite:///intake.db", alias="DATABASE_URL")
    admin_ids: str = Field(default="", alias="INTAKE_ADMIN_IDS")
    standards_file: str | None = Field(default=None, alias="INTAKE_STANDARDS_FILE")
    attachments_dir: str = Field(default="attachments", alias="INTAKE_ATTACHMENTS_DIR")
    daily_export_at: str | None = Field(default=None, alias="INTAKE_DAILY_EXPORT_AT")
    timezone: str = Field(default=DEFAULT_TIMEZONE, alias="INTAKE_TIMEZONE")  # the registry gets it
    webhook_secret: SecretStr | None = Field(default=None, alias="INTAKE_WEBHOOK_SECRET")
    webhook_host: str = Field(default="127.0.0.1", alias="INTAKE_WEBHOOK_HOST")
    webhook_port: int = Field(default=8080, alias="INTAKE_WEBHOOK_PORT")
    webhook_path: str = Field(default="/telegram/webhook", alias="INTAKE_WEBHOOK_PATH")
    log_level: str = Field(default="INFO", alias="INTAKE_LOG_LEVEL")
    # The libraries' own loggers (aiogram, telegram, httpx, aiohttp, sqlalchemy) stay at INFO or above
    # unless this opens them: their DEBUG lines carry whole updates and requests (bot.logging_setup).
    library_log_level: str | None = Field(default=None, alias="INTAKE_LIBRARY_LOG_LEVEL")

    @field_validator("telegram_api_url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not re.match(r"^https?://[^\s/]+", v):
            raise ValueError(t("settings.api_url"))
        return v.rstrip("/")

    @field_validator("admin_ids")
    @classmethod
    def _admins(cls, v: str) -> str:
        for part in filter(None, (p.strip() for p in v.replace(";", ",").split(","))):
            if not part.lstrip("-").isdigit():
                raise ValueError(t("settings.admin_id", part=part))
        return v

    @field_validator("daily_export_at")
    @classmethod
    def _hhmm(cls, v: str | None) -> str | None:
        if v and not re.match(r"^([01]\d|2[0-3]):[0-5]\d$", v.strip()):
            raise ValueError(t("settings.hhmm"))
        return v.strip() if v else None

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str) -> str:
        try:
            ZoneInfo(v.strip())
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(t("settings.timezone", value=v)) from None
        return v.strip()

    @property
    def admin_id_list(self) -> list[int]:
        """INTAKE_ADMIN_IDS as integers."""
        return [int(p) for p in re.split(r"[,;\s]+", self.admin_ids) if p]

    def require_token(self) -> str:
        """The bot token, or a clear stop when it is missing or malformed."""
        if self.telegram_bot_token is None or not self.telegram_bot_token.get_secret_value().strip():
            raise SettingsError("TELEGRAM_BOT_TOKEN 未设置：请在环境变量或 .env 中填写 @BotFather 给的令牌，"
                                "如 TELEGRAM_BOT_TOKEN=123456789:AAH...")
        token = self.telegram_bot_token.get_secret_value().strip()
        if not _TOKEN_RE.match(token):
            raise SettingsError("TELEGRAM_BOT_TOKEN 格式不对：应形如 123456789:AAHxxxxxxxxxxxxxxxxxxxxxxxxxxxx")
        return token


def load_settings() -> Settings:
    """Read the settings; a malformed value stops start-up with the setting's name and an example."""
    try:
        return Settings()
    except ValidationError as exc:
        lines = [f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise SettingsError("配置有误 (settings error):\n" + "\n".join(lines)) from None


def build_registry(settings: Settings, *, standards_file: str | None = None) -> Registry:
    """The registry as configured: INTAKE_STANDARDS_FILE (or ``standards_file``) and INTAKE_TIMEZONE."""
    path = standards_file or settings.standards_file
    text = Path(path).read_text(encoding="utf-8") if path else None
    return load_registry(standards_text=text, timezone=settings.timezone)
