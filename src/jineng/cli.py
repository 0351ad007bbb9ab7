"""The `jineng` command: Django management with one-line refusals instead of tracebacks.

jineng migrate | setup | serve | worker | demo | createuser | import | <any management command>

Bad configuration, a malformed argument, an unknown command, a database not yet migrated or
out of reach and a file that cannot be read each end in ONE line on stderr that says what to
do, and a non-zero exit status. Commands refuse their own bad input with CommandError (which
Django prints as one line); the few problems any command can meet are turned into a line here.
"""

import os
import sys

EXIT_REFUSED = 2


def refuse(reason: str, status: int = EXIT_REFUSED):
    print(f"jineng: {reason}", file=sys.stderr)
    sys.exit(status)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jineng.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as problem:
        refuse(str(problem))
    from django.core.management import execute_from_command_line, get_commands
    from django.core.management.base import CommandParser

    argv[0] = "jineng"
    command = argv[1] if len(argv) > 1 else "help"
    if not command.startswith("-") and command != "help" and command not in get_commands():
        refuse(f"there is no command {command!r}: `jineng help` lists them")
    CommandParser.error = _one_line_usage_error
    if _skips_checks(command):
        argv.insert(2, "--skip-checks")
    try:
        execute_from_command_line(argv)
    except KeyboardInterrupt:
        refuse("stopped", status=130)
    except Exception as problem:  # noqa: BLE001 - known problems become a line, others re-raise
        reason = known_problem(problem)
        if reason is None:
            raise
        refuse(reason)


# The system checks import the whole URL configuration (half a second): the commands that start
# or set up a deployment run them; the others (imports, cron jobs such as `vouchers expire`, the
# worker) stand on a deployment already checked, and skip them.
CHECKED_COMMANDS = {"check", "serve", "runserver", "migrate", "setup", "demo"}


def _skips_checks(command: str) -> bool:
    from django.core.management import get_commands, load_command_class

    if command in CHECKED_COMMANDS or command.startswith("-") or command == "help":
        return False
    return bool(load_command_class(get_commands()[command], command).requires_system_checks)


def _one_line_usage_error(parser, message: str):
    """argparse prints the whole usage before its error; one line names the error and where
    the usage is. (Called for every command's parser, Django's own included.)"""
    if not parser.called_from_command_line:
        from django.core.management.base import CommandError

        raise CommandError(f"Error: {message}")
    parser.exit(EXIT_REFUSED, f"{parser.prog}: {message} (`{parser.prog} --help` explains)\n")


def known_problem(problem: Exception) -> str | None:
    """A one-line reason for the problems any command can meet, or None for a real bug."""
    from django.core.exceptions import PermissionDenied
    from django.db import DatabaseError

    from jineng.core.management.prerequisites import NOT_MIGRATED

    text = str(problem).strip().splitlines()[0] if str(problem).strip() else ""
    if isinstance(problem, DatabaseError):
        if "no such table" in text or ("relation" in text and "does not exist" in text):
            return NOT_MIGRATED
        if "connect" in text or "unable to open" in text:
            return f"cannot reach the database (DATABASE_URL): {text}"
        return None
    if isinstance(problem, OSError) and problem.filename:
        return f"cannot use {problem.filename}: {problem.strerror or text}"
    if isinstance(problem, EOFError):
        return "no input to read: give it on stdin or run the command in a terminal"
    if isinstance(problem, PermissionDenied):
        return f"refused: {text}"
    return None


if __name__ == "__main__":
    main()
