"""Argument types the `jineng` commands share, so that each bad value is refused the same way:
argparse turns the error into one line naming the option (cli.py), and `call_command` into a
CommandError."""

import argparse
from datetime import date


def iso_date(text: str) -> date:
    """A day written YYYY-MM-DD (an impossible one, such as 2026-13-01, is refused too)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: write YYYY-MM-DD") from None
