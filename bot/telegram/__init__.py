"""The Telegram bot: framework-neutral core, aiogram and python-telegram-bot runtimes."""
