"""The bots a Python developer would build instead of intake, for the same survey (issue 16)."""
