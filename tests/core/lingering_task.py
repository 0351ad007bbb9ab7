"""A task that lingers, for tests/core/test_stopped_workers.py: a real worker process runs it
and is killed while it sleeps. It writes its process id to `marker` when it starts."""

import os
import time
from pathlib import Path

from django_tasks import task


@task()
def linger(marker: str, seconds: float) -> str:
    Path(marker).write_text(str(os.getpid()))
    time.sleep(seconds)
    return "lingered"
