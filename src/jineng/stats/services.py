"""Writes of the statistics: recounting the rollups.

Fail closed: the rollups are the system's own work (the `jineng stats rollup` command, the
worker's task, the cadence of the reports, the demo), so `rebuild_rollups` refuses unless a
signed-in user acts or the caller named that work (`core.audit.system_context`). `stats.rollup`
does the counting; this is its one public entry.
"""

from datetime import date

from jineng.core.roles import require_actor
from jineng.stats import rollup


def rebuild_rollups(start: date, end: date, *, today: date | None = None) -> dict[str, int]:
    """Recount the measures for start..end and the indicators of the classes that ended in it
    or recently (rollup.rebuild); rows written per measure and indicator."""
    require_actor()
    return rollup.rebuild(start, end, today=today)
