"""Moving the clock for tests that build classes in the past.

An opening application is submitted the pack's lead time before the class starts and approved
before it starts (004 §四(三)). A test that needs a class that has started or ended opens,
submits and approves it on a day before its start, then comes back to today, as the
institution and the bureau did then.
"""

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

import time_machine
from django.utils import timezone

# A week before the start: after the packs' lead time (3 days, 5 in the example pack).
OPENED_BEFORE = timedelta(days=7)


def opening_day(start: date) -> date:
    """The day the application of a class starting on `start` is filed and reviewed."""
    return min(timezone.localdate(), start - OPENED_BEFORE)


@contextmanager
def before_start(start: date):
    """Run the block on the day a class starting on `start` is opened (today when that is
    early enough); the clock comes back to today afterwards."""
    day = opening_day(start)
    if day >= timezone.localdate():
        yield
        return
    with time_machine.travel(timezone.make_aware(datetime.combine(day, time(10)))):
        yield


@contextmanager
def on_day(day: date, hour: int = 10):
    """Run the block on `day` at `hour` (the clock ticking from there): the work of a day in
    the past done on that day; the clock comes back to today afterwards."""
    with time_machine.travel(timezone.make_aware(datetime.combine(day, time(hour)))):
        yield
