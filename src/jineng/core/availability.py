"""The database out of reach: told apart from a bug, for the pages, the API and the worker.

PostgreSQL stopped, restarting or cut off by the network makes the driver raise
OperationalError (no connection, the server shutting down: SQLSTATE class 08, 57P01-57P03) or
InterfaceError (a connection already closed). A page or API request meeting one answers 503
with a message in the user's language (core.views.server_error, core.api.exception_handler):
the request's transaction was not committed, so nothing of it is half written. The task worker
waits and reconnects (core.worker). Any other OperationalError (a query the database refuses)
stays a server error: it is a bug to fix, not an outage to wait out."""

from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext_lazy as _

MESSAGE = _(
    "The database cannot be reached for now. Nothing of this request was saved: please try "
    "again in a minute."
)
# SQLSTATE of a server going away: admin_shutdown, crash_shutdown, cannot_connect_now.
SHUTDOWN_STATES = {"57P01", "57P02", "57P03"}
# SQLite's words for a file it cannot use now (a lock held too long, a disk that failed).
SQLITE_UNAVAILABLE = ("database is locked", "unable to open database", "disk i/o error")


def is_database_unavailable(error: BaseException | None) -> bool:
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    state = getattr(cause, "sqlstate", None)
    if cause is not None and type(cause).__module__.startswith("psycopg"):
        return state is None or state.startswith("08") or state in SHUTDOWN_STATES
    text = str(error).lower()
    return any(words in text for words in SQLITE_UNAVAILABLE)
