"""Checks a command makes before it starts, each refusing with one line that says what to do."""

import getpass
import os
import sys

from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

NOT_MIGRATED = "the database is not set up or not up to date: run `jineng migrate` first"


def require_migrated() -> None:
    """Refuse to start on a database without every migration applied (a server or a worker
    started before `jineng migrate` would answer every request with an error)."""
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise CommandError(NOT_MIGRATED)


def password_from(variable: str) -> str:
    """A new user's password: from the environment variable, else typed at the terminal. With
    neither (a script without the variable) refuse, rather than wait or echo what is typed."""
    password = os.environ.get(variable)
    if password:
        return password
    if not sys.stdin.isatty():
        raise CommandError(f"no password: set {variable}, or run the command in a terminal")
    return getpass.getpass("Password: ")
