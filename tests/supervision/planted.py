"""A finding planted as a row (the run and the finding a check would have stored), for the tests
of what waits for findings; the checks themselves are tested on datasets (test_checks.py)."""

from datetime import date

from jineng.core.models import Organisation
from jineng.supervision.models import Finding, Run
from jineng.supervision.services import NUMBER_PREFIX

_serial = [0]


def plant_finding(region: Organisation, org_path: str, summary: str = "测试疑点", *,
                  check_code: str = "shared_phone", **subjects) -> Finding:  # fmt: skip
    """An open finding of `check_code` about `subjects` (Finding fields: person, voucher,
    training_class, certificate, ...), in the data scope of `org_path`."""
    _serial[0] += 1
    run = Run.objects.create(region=region, period_from=date(2026, 1, 1),
                             period_to=date(2026, 12, 31))  # fmt: skip
    return Finding.objects.create(
        number=f"{NUMBER_PREFIX}2026-9{_serial[0]:05d}", check_code=check_code,
        key=f"planted-{_serial[0]}", severity="medium", summary=summary, region=region,
        org_path=org_path, run=run, **subjects,
    )  # fmt: skip
