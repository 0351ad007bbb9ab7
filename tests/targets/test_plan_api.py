"""A bureau enters a new plan's allocation on the page, and makes plans and reallocations
through the API with the page's forms and services (002 附件1/附件2: a county table and a
department table, each against the plan's totals; docs/targets.md, docs/api.md)."""

import pytest

from jineng.targets.models import Allocation, Axis, Plan, PlanVersion
from tests.targets.test_plan_forms import NEW, plan_data

PLANS = "/api/v1/targets/plans/"
JSON = {"content_type": "application/json"}


def counts():
    return (Plan.objects.count(), PlanVersion.objects.count(), Allocation.objects.count())


def test_002_the_new_plan_page_takes_the_allocation(plan2022, login, orgs):
    """002 附件1/附件2: a cell per county and department of the city (万); the filled ones are
    version 1's rows, and the plan page shows each table's sum and what is unallocated."""
    client = login("city_reviewer")
    form = client.get(NEW)
    html = form.content.decode()
    name = f"a_county_{orgs['yongcheng'].pk}_training"
    assert f'name="{name}"' in html and "plan_form.js" in html
    assert f'name="a_department_{orgs["union"].pk}_training"' in html
    done = client.post(NEW, plan_data(orgs["city"], **{
        name: "3.5", f"a_county_{orgs['liangyuan'].pk}_training": "2",
        f"a_department_{orgs['union'].pk}_training": "0.448",
    }))  # fmt: skip
    assert done.status_code == 302, done.context["form"].errors
    plan = Plan.objects.get(bureau=orgs["city"], start_year=2023)
    rows = {(a.axis, a.label): a.value for a in Allocation.objects.filter(version__plan=plan)}
    assert rows == {(Axis.COUNTY, "梁园区"): 20000, (Axis.COUNTY, "永城市"): 35000,
                    (Axis.DEPARTMENT, orgs["union"].name): 4480}  # fmt: skip
    page = client.get(done["Location"]).content.decode()
    assert "5.5" in page and "16" in page  # the county sum, and 21.5 − 5.5 unallocated
    assert "21.052" in page  # the department table: 21.5 − 0.448


def test_a_cell_of_a_unit_outside_the_chosen_bureau_is_refused(plan2022, login, orgs):
    before = counts()
    refused = login("city_reviewer").post(NEW, plan_data(
        orgs["liangyuan"], **{f"a_county_{orgs['yongcheng'].pk}_training": "1"}))  # fmt: skip
    assert refused.status_code == 200
    assert "不是所选" in refused.content.decode()
    copied = login("city_reviewer").post(NEW, plan_data(
        orgs["city"], copy_from=plan2022.pk,
        **{f"a_county_{orgs['yongcheng'].pk}_training": "1"}))  # fmt: skip
    assert "不能同时" in copied.content.decode()
    assert counts() == before


def api_plan(orgs, **changes):
    body = {
        "bureau": orgs["city"].pk, "start_year": 2023, "end_year": 2023,
        "title": "2023年目标任务", "reason": "2023年度计划", "document_number": "商人社〔2023〕1号",
        "totals": {"training": 215000, "new_skilled": 170000},
        "allocations": [
            {"axis": "county", "unit": orgs["yongcheng"].pk, "measure": "training",
             "value": 35000},
            {"axis": "department", "unit": orgs["union"].pk, "measure": "training",
             "value": 4480},
        ],
    }  # fmt: skip
    body.update(changes)
    return body


def test_002_a_plan_and_a_reallocation_through_the_api(plan2022, login, orgs, users):
    """002 附件1: the API makes version 1 with its rows as the page does, then a reallocation
    (new version with reason and 文件号) that keeps the old one and lists what changed."""
    client = login("city_reviewer")
    made = client.post(PLANS, api_plan(orgs), **JSON)
    assert made.status_code == 201, made.content
    plan = Plan.objects.get(pk=made.json()["id"])
    assert made.json()["latest_version"] == 1
    version = plan.versions.get()
    assert version.created_by == users["city_reviewer"]
    rows = {(a.axis, a.position, a.label): a.value for a in version.allocations.all()}
    assert rows == {(Axis.COUNTY, 1, "永城市"): 35000,
                    (Axis.DEPARTMENT, 1, orgs["union"].name): 4480}  # fmt: skip
    moved = client.post(f"{PLANS}{plan.pk}/versions/", {
        "reason": "年中调整", "document_number": "商人社〔2023〕9号",
        "totals": {"training": 220000},
        "values": [{"axis": "county", "position": 1, "measure": "training", "value": 40000}],
    }, **JSON)  # fmt: skip
    assert moved.status_code == 201, moved.content
    answer = moved.json()
    assert (answer["version"]["number"], answer["version"]["document_number"]) == (
        2, "商人社〔2023〕9号",
    )  # fmt: skip
    changed = {(c["axis"], c["label"], c["measure"]): (c["before"], c["after"])
               for c in answer["changes"]}  # fmt: skip
    assert changed[(Axis.COUNTY, "永城市", "training")] == (35000, 40000)
    assert [k for k in changed if k[0] == ""] == [
        ("", k[1], "training") for k in changed if k[0] == ""
    ]  # the total of training
    assert len(changed) == 2 and (215000, 220000) in changed.values()
    first = plan.versions.get(number=1)
    assert first.allocations.get(axis=Axis.COUNTY).value == 35000  # the old one stays
    assert plan.versions.get(number=2).allocations.get(axis=Axis.DEPARTMENT).value == 4480


@pytest.mark.parametrize(
    ("changes", "key", "message"),
    [
        ({"totals": {"training": -1}}, "totals", "大于或者等于"),
        ({"totals": {}}, "non_field_errors", "至少填写一项"),
        ({"totals": {"planet": 1}}, "totals", "planet: 本计划没有该统计项"),
        ({"reason": ""}, "reason", "不能为空"),
        ({"start_year": 2024, "end_year": 2023}, "end_year", "早于"),
        ({"start_year": 2022, "end_year": 2022}, "detail", "此期间已有计划"),
        ({"bureau": 10**12}, "bureau", "有效的选项"),
        ({"copy_from": "plan2022"}, "non_field_errors", "不能同时提供"),
        (
            {"allocations": [{"axis": "county", "unit": 10**9, "measure": "training", "value": 1}]},
            "allocations",
            "0: 本局下没有该单位",
        ),
    ],
)
def test_a_bad_plan_is_a_400_in_zh_and_nothing_written(plan2022, login, orgs, changes, key,
                                                       message):  # fmt: skip
    before = counts()
    if changes.get("copy_from") == "plan2022":  # rows and a plan to copy: not both
        changes = {"copy_from": plan2022.pk}
    refused = login("city_reviewer").post(PLANS, api_plan(orgs, **changes), **JSON)
    assert refused.status_code == 400, refused.content
    assert key in refused.json() and message in str(refused.json()[key])
    assert counts() == before


def test_a_bad_reallocation_is_a_400_and_writes_nothing(plan2022, login):
    client = login("city_reviewer")
    url = f"{PLANS}{plan2022.pk}/versions/"
    before = counts()
    no_reason = client.post(url, {"reason": "", "document_number": "X"}, **JSON)
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    no_row = client.post(
        url,
        {
            "reason": "r",
            "document_number": "X",
            "values": [{"axis": "county", "position": 999, "measure": "training", "value": 1}],
        },
        **JSON,
    )
    assert no_row.status_code == 400 and "本版本中没有该行" in str(no_row.json()["values"])
    finer = client.post(url, {"reason": "r", "document_number": "X",
                              "totals": {"training": -5}}, **JSON)  # fmt: skip
    assert finer.status_code == 400 and "totals" in finer.json()
    assert counts() == before


@pytest.mark.parametrize("who", ["finance", "department"])
def test_only_a_bureau_makes_plans_through_the_api(plan2022, login, orgs, who):
    client = login(who)
    assert client.post(PLANS, api_plan(orgs), **JSON).status_code == 403
    url = f"{PLANS}{plan2022.pk}/versions/"
    assert client.post(url, {"reason": "r", "document_number": "X"}, **JSON).status_code in (
        403, 404,
    )  # fmt: skip


def test_a_county_reviewer_reallocates_no_city_plan(plan2022, login, orgs):
    client = login("county_reviewer")
    answer = client.post(f"{PLANS}{plan2022.pk}/versions/",
                         {"reason": "r", "document_number": "X"}, **JSON)  # fmt: skip
    assert answer.status_code == 404
    refused = client.post(PLANS, api_plan(orgs, allocations=[]), **JSON)
    assert refused.status_code == 400 and "bureau" in refused.json()
