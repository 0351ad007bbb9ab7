"""What the apps above the statistics plug in at start-up (in their AppConfig.ready), so that
stats never imports them (docs/architecture.md, "Layers"; the same slots as training.hooks):

- `kept_snapshot`: the daily snapshot kept by `jineng.reports` (002 §五(三) 日统计), which the
  statistics page and API read "as of a past day": what was reported that day, not a recount.
"""

from jineng.training.hooks import Slot

# (user, day, rollup code, by, region, department) -> None when no snapshot of `day` was kept
# or it cannot answer `by` (it keeps places and departments only); else
# {"taken_at": datetime, "total": n, "by": {key: n} (empty when by is None)}.
kept_snapshot = Slot("the kept daily snapshots", "jineng.reports", app="stats")
