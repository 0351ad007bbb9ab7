"""Reallocation makes a new version and keeps the old (with the diff); who sees which rows on the
pages and in the API; bad input and refused callers change nothing (002 附件1/附件2, §五(三))."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jineng.core.models import AuditEntry
from jineng.targets import selectors, services
from jineng.targets.models import Allocation, Axis, PlanVersion

YONGCHENG_TRAINING = (Axis.COUNTY, 4, "training")  # 附件1 row 4: 永城市 3.5万
LIANGYUAN_TRAINING = (Axis.COUNTY, 1, "training")  # 附件1 row 1: 梁园区 1.9万


def reallocate(act, version, **kwargs):
    with act("city_reviewer"):
        return services.reallocate(version, **kwargs)


def test_002_reallocation_makes_a_new_version_and_keeps_the_old(act, plan2022, users):
    """A reallocation during the year (002 附件1): 0.2万 of 永城市's training to 梁园区; the
    new version has its reason and 文件号, the first is unchanged, the diff names both cells."""
    first = plan2022.versions.get()
    second = reallocate(
        act,
        first,
        reason="永城市 0.2万 to 梁园区",
        document_number="商人社〔2022〕15号",
        values={YONGCHENG_TRAINING: 33000, LIANGYUAN_TRAINING: 21000},
    )
    assert second.number == 2 and second.created_by == users["city_reviewer"]
    old = Allocation.objects.get(
        version=first, axis=Axis.COUNTY, position=4, measure__code="training"
    )
    assert old.value == 35000
    changes = selectors.diff(users["city_reviewer"], first, second)
    assert [(c.label, c.before, c.after) for c in changes] == [
        ("梁园区", 19000, 21000),
        ("永城市", 35000, 33000),
    ]
    county = next(t for t in selectors.tables(users["city_reviewer"], second) if t.axis == "county")
    assert county.unallocated["training"] == 0  # moved, not lost
    assert AuditEntry.objects.filter(
        object_type="targets.planversion", object_id=second.pk
    ).exists()


def test_a_cut_shows_as_unallocated_never_lost(act, plan2022, users):
    first = plan2022.versions.get()
    second = reallocate(
        act, first, reason="cut", document_number="X-1", values={YONGCHENG_TRAINING: 30000}
    )
    county = next(t for t in selectors.tables(users["city_reviewer"], second) if t.axis == "county")
    assert county.unallocated["training"] == 5000
    assert county.unallocated_cells()[0] == ("0.5", "under")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reason": "", "document_number": "X"}, "调整原因"),
        ({"reason": "r", "document_number": " "}, "文件号"),
        ({"reason": "r", "document_number": "X", "values": {YONGCHENG_TRAINING: -1}}, "不能为负数"),
        ({"reason": "r", "document_number": "X", "values": {YONGCHENG_TRAINING: "3"}}, "须为整数"),
        ({"reason": "r", "document_number": "X", "totals": {"training": -5}}, "不能为负数"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(act, plan2022, kwargs, message):
    first = plan2022.versions.get()
    with pytest.raises(ValidationError, match=message):
        reallocate(act, first, **kwargs)
    assert PlanVersion.objects.filter(plan=plan2022).count() == 1


def test_anonymous_and_out_of_scope_callers_are_refused(act, plan2022):
    first = plan2022.versions.get()
    args = {"reason": "r", "document_number": "X", "values": {YONGCHENG_TRAINING: 1}}
    with pytest.raises(PermissionDenied, match="请先登录"):
        services.reallocate(first, **args)
    for who in ("county_reviewer", "department", "finance"):
        with act(who), pytest.raises(PermissionDenied, match="只有计划所属地区"):
            services.reallocate(first, **args)
    assert PlanVersion.objects.filter(plan=plan2022).count() == 1


def test_only_the_latest_version_is_reallocated(act, plan2022):
    first = plan2022.versions.get()
    reallocate(act, first, reason="r", document_number="X", values={YONGCHENG_TRAINING: 1})
    with pytest.raises(ValidationError, match="最新版本"):
        reallocate(act, first, reason="r", document_number="Y")


def test_scope_county_and_department_see_their_own_row(plan2022, users):
    """A county reviewer (梁园区) sees the plan's totals and its county's row only; the
    department (市总工会, 附件2 row 25) its own row; neither sees sums or unallocated."""
    version = plan2022.versions.get()
    county = selectors.tables(users["county_reviewer"], version)
    assert [(t.axis, [r.label for r in t.rows], t.whole) for t in county] == [
        ("county", ["梁园区"], False)
    ]
    assert county[0].sums == {}
    dept = selectors.tables(users["department"], version)
    assert [(t.axis, [r.label for r in t.rows]) for t in dept] == [("department", ["市总工会"])]
    finance = selectors.tables(users["finance"], version)
    assert {t.axis for t in finance} == {"county", "department", "programme"}


def test_pages_list_detail_and_scope(plan2022, login):
    client = login("city_reviewer")
    listing = client.get("/targets/").content.decode()
    assert "2022年“人人持证、技能河南”建设目标任务指导计划" in listing
    page = client.get(f"/targets/{plan2022.pk}/").content.decode()
    assert "虞城县" in page and "0.448" in page and "市房城乡建设局" in page
    assert "22.58" in page and "−2.18" in page  # 附件2's sum, and more than the whole
    assert 'id="double-count"' in page  # the two tables are never added together
    county_page = login("county_reviewer").get(f"/targets/{plan2022.pk}/").content.decode()
    assert "梁园区" in county_page and "永城市" not in county_page and "市总工会" not in county_page
    assert "sum-row" not in county_page
    dept_page = login("department").get(f"/targets/{plan2022.pk}/").content.decode()
    assert "市总工会" in dept_page and "梁园区" not in dept_page
    assert login("department").get(f"/targets/{plan2022.pk}/reallocate/").status_code == 404
    assert login("worker").get("/targets/").status_code == 403


def test_api_plans_versions_allocations_and_scope(plan2022, login):
    client = login("city_reviewer")
    plans = client.get("/api/v1/targets/plans/?year=2022").json()
    assert {p["title"] for p in plans["results"]} >= {plan2022.title}
    rows = client.get(
        f"/api/v1/targets/allocations/?plan={plan2022.pk}&axis=county&measure=training"
    ).json()
    assert rows["count"] == 10
    assert {r["label"]: r["value"] for r in rows["results"]}["虞城县"] == 20000
    bad = client.get("/api/v1/targets/allocations/?axis=nowhere")
    assert bad.status_code == 400
    county = login("county_reviewer").get(f"/api/v1/targets/allocations/?plan={plan2022.pk}")
    assert {r["label"] for r in county.json()["results"]} == {"梁园区"}
    other = Allocation.objects.get(
        version__plan=plan2022, axis="county", position=4, measure__code="training"
    )
    assert (
        login("county_reviewer").get(f"/api/v1/targets/allocations/{other.pk}/").status_code == 404
    )
    dept = login("department").get("/api/v1/targets/allocations/?axis=department").json()
    assert {r["unit_code"] for r in dept["results"]} == {"DEPT-411400-25"}
    versions = login("department").get(f"/api/v1/targets/versions/?plan={plan2022.pk}").json()
    assert versions["results"][0]["document_number"] == "商政办〔2022〕9号"
    assert "/api/v1/targets/allocations/" in client.get("/api/schema/").content.decode()


def test_reallocate_form_makes_a_version_and_refuses_bad_input(plan2022, login):
    client = login("city_reviewer")
    url = f"/targets/{plan2022.pk}/reallocate/"
    form = client.get(url)
    assert form.status_code == 200
    data = {name: field.initial for name, field in form.context["form"].fields.items()}
    data.update(reason="", document_number="X")
    data["c_county_4_training"] = "-1"
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert refused.context["form"].errors.keys() >= {"reason", "c_county_4_training"}
    data.update(reason="move", c_county_4_training="abc")
    assert "c_county_4_training" in client.post(url, data).context["form"].errors
    assert PlanVersion.objects.filter(plan=plan2022).count() == 1
    data.update(c_county_4_training="3.3", c_county_1_training="2.1")
    done = client.post(url, data)
    assert done.status_code == 302
    second = PlanVersion.objects.get(plan=plan2022, number=2)
    assert (
        second.allocations.get(axis="county", position=4, measure__code="training").value == 33000
    )
    page = client.get(f"/targets/{plan2022.pk}/?version=2&compare=1").content.decode()
    assert "3.5" in page and "3.3" in page and 'id="changes"' in page
