"""Target plans of the demo: 002 附件1 and 附件2 as the 2022 plan of 商丘市, the programmes of
§三 and the 2022–2025 goals of §二(二), through the services (targets.load). Idempotent."""

from jineng.targets import load as targets_load


def load() -> str:
    return str(targets_load.load_all())
