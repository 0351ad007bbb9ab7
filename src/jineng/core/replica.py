"""Read-only work on a PostgreSQL read replica (a hot standby fed by streaming replication).

With `JINENG_REPLICA_URL` (or `DATABASE_REPLICA_URL`) set, settings add the database "replica"
and `ReplicaRouter`. Nothing is sent to the replica by guess: only work marked read-only is, by
`read_replica()` (a context manager, or a decorator of a function) or `replica_view` (a view's
decorator: dashboards, statistics, public pages, exports). Everything else, every write, and
every read inside a write goes to the primary ("default"):

- a write (the router's db_for_write) is always the primary's, and from then on the reads of the
  same request (or `read_replica()` block outside a request) are too: the writer reads its own
  writes;
- a read while the primary has a transaction open (transaction.atomic) is the primary's;
- a client whose request wrote gets a cookie holding the primary's WAL position after it
  (`jineng_lsn`): its later read-only pages use the replica only once the replica has replayed
  that far, else the primary, so the writer sees its writes on the next page too;
- the replica is used only while its lag is within `REPLICA_MAX_LAG` seconds (0 when it has
  replayed all it received and is streaming; else the age of the last transaction it replayed,
  pg_last_xact_replay_timestamp), and only while it is in recovery (a promoted or mistaken
  server is not a replica);
- a replica that cannot be reached is left alone for `REPLICA_RETRY` seconds (no connection
  attempt per request), and its reads go to the primary. A replica lost in the middle of a
  `replica_view` makes the view run again on the primary: the user gets the page, not an error.

The decision is taken once per outermost read_replica() block (one small status query on the
replica) and kept for the block.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import re
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections

from jineng.core.availability import is_database_unavailable

logger = logging.getLogger("jineng.replica")
PRIMARY = "default"
REPLICA = "replica"
COOKIE = "jineng_lsn"
COOKIE_AGE = 600  # seconds: a replica further behind than that is not used anyway
LSN = re.compile(r"^[0-9A-F]{1,8}/[0-9A-F]{1,8}$")


@dataclass
class Scope:
    """What the router knows of the work in hand: one request, or one read_replica() block."""

    reading: int = 0  # depth of read_replica() blocks
    wrote: bool = False
    after_lsn: str | None = None  # the replica must have replayed this far (the writer's)
    chosen: str | None = None  # the decision of the outermost read_replica() block


_scope: contextvars.ContextVar[Scope | None] = contextvars.ContextVar("jineng_replica_scope",
                                                                      default=None)  # fmt: skip
_down_until = 0.0
_down_lock = threading.Lock()


def configured() -> bool:
    return REPLICA in settings.DATABASES


def current_scope() -> Scope | None:
    return _scope.get()


@contextlib.contextmanager
def read_replica():
    """Mark the block's reads as read-only work the replica may serve (also a decorator)."""
    scope = _scope.get()
    token = None
    if scope is None:
        scope = Scope()
        token = _scope.set(scope)
    scope.reading += 1
    try:
        yield scope
    finally:
        scope.reading -= 1
        if scope.reading == 0:
            scope.chosen = None
        if token is not None:
            _scope.reset(token)


@contextlib.contextmanager
def request_scope(after_lsn: str | None = None):
    """The scope of one request (ReplicaMiddleware): its writes and the writer's position."""
    scope = Scope(after_lsn=after_lsn)
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)


def mark_down(reason: str) -> None:
    global _down_until
    with _down_lock:
        _down_until = time.monotonic() + settings.REPLICA_RETRY
    logger.warning("read replica unavailable (%s): reading from the primary for %s s",
                   reason, settings.REPLICA_RETRY)  # fmt: skip
    with contextlib.suppress(Exception):
        connections[REPLICA].close()


def mark_up() -> None:
    """Forget an earlier failure (tests, or an operator who restarted the replica)."""
    global _down_until
    with _down_lock:
        _down_until = 0.0


STATUS_SQL = """
SELECT pg_is_in_recovery(),
       CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
                 AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming')
            THEN 0
            ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END,
       COALESCE(pg_last_wal_replay_lsn() >= %s::pg_lsn, false)
"""


def replica_status(after_lsn: str | None = None) -> tuple[bool, float | None, bool]:
    """(in recovery, lag in seconds or None, replayed as far as `after_lsn`) of the replica."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(STATUS_SQL, [after_lsn or "0/0"])
        recovering, lag, caught_up = cursor.fetchone()
    return bool(recovering), None if lag is None else float(lag), bool(caught_up)


def usable(after_lsn: str | None = None) -> bool:
    """May the replica serve a read now (reachable, a standby, lag within bounds, and as far as
    the writer's position)?"""
    if time.monotonic() < _down_until:
        return False
    try:
        recovering, lag, caught_up = replica_status(after_lsn)
    except DatabaseError as error:
        mark_down((str(error).strip().splitlines() or [type(error).__name__])[0])
        return False
    if not recovering:
        logger.warning("the read replica is not in recovery (promoted?): not used")
        return False
    if lag is None or lag > settings.REPLICA_MAX_LAG:
        logger.info("read replica lag %s s over %s s: reading from the primary",
                    lag, settings.REPLICA_MAX_LAG)  # fmt: skip
        return False
    return caught_up


def alias_for_read() -> str:
    scope = _scope.get()
    if scope is None or not scope.reading or scope.wrote or not configured():
        return PRIMARY
    if connections[PRIMARY].in_atomic_block:
        return PRIMARY  # a read inside a write
    if scope.chosen is None:
        scope.chosen = REPLICA if usable(scope.after_lsn) else PRIMARY
    return scope.chosen


class ReplicaRouter:
    """Reads of marked read-only work to the replica when it is fit; all else to the primary."""

    def db_for_read(self, model, **hints):
        return alias_for_read()

    def db_for_write(self, model, **hints):
        scope = _scope.get()
        if scope is not None:
            scope.wrote = True
            scope.chosen = None
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db, app_label, **hints):
        return db == PRIMARY  # a standby is read-only: it follows the primary's migrations


def primary_lsn() -> str | None:
    with connections[PRIMARY].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class ReplicaMiddleware:
    """Each request in a scope of its own; after a request that wrote, the primary's position in
    a cookie, so the writer's next read-only pages wait for the replica to have it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not configured():
            return self.get_response(request)
        cookie = request.COOKIES.get(COOKIE, "")
        with request_scope(cookie if LSN.match(cookie) else None) as scope:
            response = self.get_response(request)
            if scope.wrote or request.method not in SAFE_METHODS:
                try:
                    position = primary_lsn()
                except DatabaseError as error:
                    if not is_database_unavailable(error):
                        raise
                    position = None  # the primary is out: the request's own answer says so
                if position:
                    response.set_cookie(COOKIE, position, max_age=COOKIE_AGE, httponly=True,
                                        samesite="Lax", secure=request.is_secure())  # fmt: skip
        return response


def replica_view(view):
    """A read-only view: its reads may be served by the replica. If the replica is lost while
    the view runs, the view runs again on the primary (it only reads, so running it twice is
    harmless) and the user gets the page."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not configured():
            return view(request, *args, **kwargs)
        served_by = None
        try:
            with read_replica() as scope:
                try:
                    response = view(request, *args, **kwargs)
                    if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                        response.render()
                    return response
                finally:
                    served_by = scope.chosen
        except DatabaseError as error:
            if served_by != REPLICA or not is_database_unavailable(error):
                raise
            mark_down((str(error).strip().splitlines() or [type(error).__name__])[0])
        return view(request, *args, **kwargs)

    wrapped.read_replica = True  # the mark tests/core/test_replica_router.py looks for
    return wrapped
