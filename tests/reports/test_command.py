"""`jineng reports`: the cron line of the cadence (002 §五(三)) and one report now; bad input is
one line (CommandError), and nothing is written."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from jineng.core import audit
from jineng.reports import demo
from jineng.reports.models import Report, ReportKind


def run(*args) -> dict:
    out = StringIO()
    call_command("reports", *args, stdout=out)
    return json.loads(out.getvalue())


def test_002_generate_one_report_now_prints_its_line(db):
    line = run("generate", "weekly", "--region", "411402", "--from", "2025-05-26",
               "--to", "2025-06-01")  # fmt: skip
    report = Report.objects.get(pk=line["id"])
    assert (report.kind, report.region.code, line["from"], line["to"]) == (
        ReportKind.WEEKLY, "411402", "2025-05-26", "2025-06-01",
    )  # fmt: skip
    assert report.on_schedule is False


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("generate", "weekly", "--region", "999999"), "999999"),
        (
            (
                "generate",
                "monthly",
                "--region",
                "411402",
                "--from",
                "2025-13-01",
                "--to",
                "2025-12-31",
            ),
            "2025-13-01.* is not a date: write YYYY-MM-DD",
        ),  # fmt: skip
        (("cadence", "--today", "tomorrow"), "--today: .tomorrow. is not a date"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_kept(db, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert not Report.objects.exists()


def test_the_demo_keeps_the_citys_last_weekly_and_monthly_reports_once(db):
    """002 §五(三) 周调度、月小结 in the demo, kept as the cron run would; once only."""
    with audit.system_context("demo"):
        assert demo.load() == {"reports": 2}
        assert demo.load() == {"reports": 0}
    kinds = set(Report.objects.filter(region__code="411400").values_list("kind", flat=True))
    assert kinds == {ReportKind.WEEKLY, ReportKind.MONTHLY}
