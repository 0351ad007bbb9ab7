"""The pack's report of assumed values (issue 15 item 9): Shangqiu's pack (002) borrows Hebei's
values (004 §四(五) and others) and placeholders; its page lists each of them, and a spreadsheet
of the same list, for the bureau to confirm or change."""

import io
import re
import tomllib
from html import unescape
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jineng.catalog.models import PolicyPackVersion

pytestmark = pytest.mark.django_db
PACK_FILE = Path(__file__).parents[2] / "policies" / "henan-shangqiu-2022.toml"


def assumed_in_file(path: Path = PACK_FILE) -> dict[str, dict]:
    """The rules the TOML marks `assumed = true`, by dotted key, read without the pack loader."""
    found = {}

    def walk(table, path):
        for name, item in table.items():
            if isinstance(item, dict) and "value" in item:
                if item.get("assumed"):
                    found[f"{path}{name}"] = item
            elif isinstance(item, dict):
                walk(item, f"{path}{name}.")

    walk(tomllib.loads(path.read_text(encoding="utf-8")), "")
    return found


def report_rows(body: str) -> dict[str, str]:
    """The keys of the report's table rows with each row's text (tags dropped)."""
    table = body.split('id="assumed-rules"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<tr data-key="([^"]+)">(.*?)</tr>', table, flags=re.S)
    return {key: unescape(re.sub(r"<[^>]+>", " ", cells)) for key, cells in rows}


def test_shangqiu_report_lists_every_assumed_value_with_cite_and_chinese_note(login):
    """002 states no lead days, no hand-entry period and no category day: the values the pack
    takes from 004 (e.g. 004 §四(三)) or sets as placeholders are all listed, with their cites
    and Chinese notes; no value 002 states is among them, and the count is the file's."""
    expected = assumed_in_file()
    client = login("worker")
    version = PolicyPackVersion.objects.filter(pack_id="henan-shangqiu-2022").latest("version")
    body = client.get(f"/policies/{version.pk}/").content.decode()
    rows = report_rows(body)

    assert set(rows) == set(expected)
    assert f"待确认的假定值（{len(expected)}）" in body
    for key in (
        "procedure.application_lead_days",
        "attendance.manual_entry_days",
        "eligibility.category_date",
    ):
        assert expected[key]["cite"] in rows[key]
        assert expected[key]["note_zh"] in rows[key]
        assert expected[key]["note"] not in rows[key]
    assert "开班申请须在开班前提交的天数" in rows["procedure.application_lead_days"]  # plain name
    assert "3 日（自然日）" in rows["procedure.application_lead_days"]  # value with its unit
    assert "evaluation.payee" not in rows and "evaluation.amounts.3" not in rows  # 002 states them


def test_the_report_downloads_as_a_spreadsheet_with_the_same_rows(login):
    """The xlsx of 002's assumed values has the page's rows (004 §四(五) cites among them) and an
    empty column for the bureau's reply."""
    expected = assumed_in_file()
    client = login("worker")
    version = PolicyPackVersion.objects.filter(pack_id="henan-shangqiu-2022").latest("version")
    page_rows = report_rows(client.get(f"/policies/{version.pk}/").content.decode())
    response = client.get(f"/policies/{version.pk}/assumed.xlsx")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *lines = list(sheet.iter_rows(values_only=True))
    assert header == ("分类", "规则", "键", "取值", "依据", "备注", "人社部门意见")
    assert [line[2] for line in lines] == list(page_rows)  # same rows, same order
    assert len(lines) == len(expected)
    by_key = {line[2]: line for line in lines}
    lead = by_key["procedure.application_lead_days"]
    assert lead[4] == "004 §四(三)" and lead[5] == expected[lead[2]]["note_zh"]
    assert lead[6] is None
    assert sum(line[4] == "004 §四(五)" for line in lines) >= 7


def test_chongqing_report_lists_what_003_does_not_state(login):
    """003 (渝人社办〔2022〕46号) states the key groups and the evaluation subsidy for them
    (003 §五17) but no rate, amount, cap or deadline: the Chongqing page lists every borrowed or
    placeholder value with its cite (004 §四(五), 002 §四(二)1, 003 §三10 ...) for the bureau to
    confirm; the evaluation groups 003 states are not among them; employment subsidies, which
    003 does not pay, show as not stated."""
    expected = assumed_in_file(PACK_FILE.with_name("chongqing-2022.toml"))
    version = PolicyPackVersion.objects.filter(pack_id="chongqing-2022").latest("version")
    body = login("worker").get(f"/policies/{version.pk}/").content.decode()
    rows = report_rows(body)

    assert set(rows) == set(expected)
    assert f"待确认的假定值（{len(expected)}）" in body
    assert "evaluation.eligible" not in rows and "evaluation.certificate_kinds" not in rows
    assert expected["evaluation.amounts.4"]["note_zh"] in rows["evaluation.amounts.4"]
    assert "002 §四(二)1" in rows["evaluation.amounts.4"]
    assert "003 §三10" in rows["procedure.voucher_validity_days"]
    assert "本政策未规定（相关补贴不予核定）" in body  # employment.sme, .agency, commitment
