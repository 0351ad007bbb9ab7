"""A bureau makes its plans in the browser: a new plan (optionally from another plan's rows), its
own measures and programmes. Over HTTP, as the login fixture signs in; bad input, duplicates and
callers outside the region change nothing (002 附件1, §三; docs/targets.md)."""

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied

from jineng.core.admin import ReadOnlyAdmin
from jineng.targets import services
from jineng.targets.models import (
    Allocation,
    Axis,
    Measure,
    Plan,
    PlanVersion,
    Programme,
    ProgrammeTarget,
)

NEW = "/targets/new/"


def plan_data(bureau, **changes):
    data = {
        "bureau": bureau.pk,
        "start_year": 2023,
        "end_year": 2023,
        "title": "2023年目标任务",
        "reason": "2023年度计划",
        "document_number": "商人社〔2023〕1号",
        "training_counted_at": "completion",
        "t_training": "21.5",
        "t_new_skilled": "17",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_city_reviewer_makes_a_plan_and_lands_on_it(plan2022, login, orgs, users):
    client = login("city_reviewer")
    form = client.get(NEW)
    assert form.status_code == 200 and 'id="plan-form"' in form.content.decode()
    assert form.context["form"]["bureau"].initial == orgs["city"]
    done = client.post(NEW, plan_data(orgs["city"], training_counted_at="enrolment"))
    plan = Plan.objects.get(bureau=orgs["city"], start_year=2023, end_year=2023)
    assert plan.training_counted_at == "enrolment"
    assert done.status_code == 302 and done["Location"] == f"/targets/{plan.pk}/"
    version = plan.versions.get()
    assert (version.number, version.document_number, version.created_by) == (
        1, "商人社〔2023〕1号", users["city_reviewer"],
    )  # fmt: skip
    assert {t.measure.code: t.value for t in version.totals.all()} == {
        "training": 215000,
        "new_skilled": 170000,
    }
    assert not version.allocations.exists()
    page = client.get(done["Location"]).content.decode()
    assert "2023年目标任务" in page and "21.5" in page
    assert "新建计划" in client.get("/targets/").content.decode()


def test_002_a_new_plan_copies_last_years_rows(plan2022, login, orgs):
    """002 附件1/附件2 as the starting point of 2023: every row of the 2022 plan's latest version
    is copied (永城市 3.5万 training), the totals are the new plan's own, and the difference shows
    as unallocated (22.58万 of 附件2 against 21.5万: −1.08万)."""
    client = login("city_reviewer")
    done = client.post(NEW, plan_data(orgs["city"], copy_from=plan2022.pk))
    assert done.status_code == 302
    plan = Plan.objects.get(bureau=orgs["city"], start_year=2023)
    old_rows = Allocation.objects.filter(version__plan=plan2022)
    new_rows = Allocation.objects.filter(version__plan=plan)
    assert new_rows.count() == old_rows.count() > 0
    yongcheng = new_rows.get(axis=Axis.COUNTY, position=4, measure__code="training")
    assert (yongcheng.label, yongcheng.value) == ("永城市", 35000)
    page = client.get(done["Location"]).content.decode()
    assert "−1.08" in page  # the department table's 22.58万 against the new total 21.5万
    assert PlanVersion.objects.filter(plan=plan2022).count() == 1  # the source is untouched


def test_a_plan_for_the_same_bureau_and_years_is_refused(plan2022, login, orgs):
    client = login("city_reviewer")
    refused = client.post(NEW, plan_data(orgs["city"], start_year=2022, end_year=2022))
    assert refused.status_code == 200
    assert "此期间已有计划" in refused.content.decode()
    assert Plan.objects.filter(bureau=orgs["city"], start_year=2022, end_year=2022).count() == 1
    assert PlanVersion.objects.filter(plan=plan2022).count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"t_training": "-1"}, "t_training", "大于或等于0"),
        ({"t_training": "abc"}, "t_training", "输入一个数字"),
        ({"t_training": "1.00001"}, "t_training", "小数不超过 4 位"),
        ({"reason": ""}, "reason", "该字段是必填项"),
        ({"document_number": " "}, "document_number", "该字段是必填项"),
        ({"start_year": "2024", "end_year": "2023"}, "end_year", "早于"),
        ({"start_year": "二〇二三"}, "start_year", "输入整数"),
        ({"t_training": "", "t_new_skilled": ""}, None, "至少填写一项"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_written(
    plan2022, login, orgs, changes, field, message
):
    before = (Plan.objects.count(), PlanVersion.objects.count(), Allocation.objects.count())
    refused = login("city_reviewer").post(NEW, plan_data(orgs["city"], **changes))
    assert refused.status_code == 200
    errors = refused.context["form"].errors
    assert field in errors if field else "__all__" in errors
    assert message in refused.content.decode()
    assert "未保存" in refused.content.decode()
    after = (Plan.objects.count(), PlanVersion.objects.count(), Allocation.objects.count())
    assert after == before


def test_a_county_reviewer_makes_its_own_plan_only(plan2022, login, orgs, act):
    """梁园区's reviewer: its own county's plan, never the city's nor 永城市's; and it may not copy
    the city's plan (whose rows it does not see)."""
    client = login("county_reviewer")
    choices = set(client.get(NEW).context["form"].fields["bureau"].queryset)
    assert choices == {orgs["liangyuan"]}
    for other in (orgs["city"], orgs["yongcheng"]):
        refused = client.post(NEW, plan_data(other))
        assert refused.status_code == 200 and "bureau" in refused.context["form"].errors
        assert not Plan.objects.filter(bureau=other, start_year=2023).exists()
    copied = client.post(NEW, plan_data(orgs["liangyuan"], copy_from=plan2022.pk))
    assert "copy_from" in copied.context["form"].errors
    assert not Plan.objects.filter(start_year=2023).exists()
    assert client.post(NEW, plan_data(orgs["liangyuan"])).status_code == 302
    assert Plan.objects.get(start_year=2023).bureau == orgs["liangyuan"]
    with act("county_reviewer"), pytest.raises(PermissionDenied, match="只有计划所属地区"):
        services.create_plan(
            bureau=orgs["city"], start_year=2024, end_year=2024, title="t", reason="r",
            document_number="X", totals={"training": 1},
        )  # fmt: skip


def test_the_service_copies_only_a_plan_of_the_same_bureau(plan2022, orgs, act):
    from django.core.exceptions import ValidationError

    with act("city_reviewer"), pytest.raises(ValidationError, match="同一局"):
        services.create_plan(
            bureau=orgs["liangyuan"], start_year=2023, end_year=2023, title="t", reason="r",
            document_number="X", totals={"training": 1}, copy_from=plan2022,
        )  # fmt: skip
    assert not Plan.objects.filter(start_year=2023).exists()


@pytest.mark.parametrize("who", ["finance", "department", "worker"])
def test_finance_departments_and_workers_cannot_make_plans(plan2022, login, orgs, who):
    client = login(who)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, plan_data(orgs["city"])).status_code == 403
    assert client.post("/targets/measures/new/", {"code": "x"}).status_code == 403
    assert client.get("/targets/programmes/new/").status_code == 403
    assert not Plan.objects.filter(start_year=2023).exists()
    assert "新建计划" not in client.get("/targets/").content.decode() or who == "worker"


def measure_data(bureau, **changes):
    data = {
        "bureau": bureau.pk,
        "code": "rural_training",
        "name": "农村劳动力培训",
        "unit": "person_times",
        "definition": "每个完成的农村劳动力培训班学员计一人次。",
    }
    data.update(changes)
    return data


def test_a_bureau_adds_its_own_measure_and_plans_with_it(plan2022, login, orgs):
    client = login("city_reviewer")
    done = client.post("/targets/measures/new/", measure_data(orgs["city"]))
    assert done.status_code == 302
    measure = Measure.objects.get(code="rural_training")
    assert (measure.bureau, measure.unit) == (orgs["city"], "person_times")
    assert "农村劳动力培训" in client.get("/targets/measures/").content.decode()
    assert "t_rural_training" in client.get(NEW).context["form"].fields
    # A county below the city plans with it too.
    county_form = login("county_reviewer").get(NEW).context["form"]
    assert "t_rural_training" in county_form.fields


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"code": "training"}, "code", "该代码的指标已存在"),  # a shared measure's code
        ({"code": "农村 培训"}, "code", "字母"),
        ({"name": ""}, "name", "该字段是必填项"),
        ({"unit": "yuan"}, "unit", "有效的选项"),
    ],
)
def test_a_bad_measure_is_refused_and_nothing_written(
    plan2022, login, orgs, changes, field, message
):
    count = Measure.objects.count()
    refused = login("city_reviewer").post(
        "/targets/measures/new/", measure_data(orgs["city"], **changes)
    )
    assert refused.status_code == 200 and field in refused.context["form"].errors
    assert message in refused.content.decode()
    assert Measure.objects.count() == count


def programme_data(bureau, **changes):
    data = {
        "bureau": bureau.pk,
        "number": 13,
        "name": "家政服务培训专项行动",
        "responsible": "市人社局、市商务局",
        "targets_text": "年培训1.2万人次，取证率百分之百",
        "n_training": "1.2",
        "r_certified": "100",
    }
    data.update(changes)
    return data


def test_002_a_bureau_adds_and_edits_a_programme(plan2022, login, orgs):
    """A thirteenth programme beside the twelve of 002 §三, with a count and a rate (as §三(十)
    states 培训后取证率百分之百), then edited: its training count cleared, its name changed."""
    client = login("city_reviewer")
    departments = list(
        client.get("/targets/programmes/new/").context["form"].fields["departments"].queryset[:2]
    )
    data = programme_data(orgs["city"], departments=[d.pk for d in departments])
    assert client.post("/targets/programmes/new/", data).status_code == 302
    programme = Programme.objects.get(bureau=orgs["city"], number=13)
    assert set(programme.departments.all()) == set(departments)
    targets = {t.measure.code: (t.value, t.rate_percent) for t in programme.targets.all()}
    assert targets == {"training": (12000, None), "certified": (None, 100)}
    assert "家政服务培训专项行动" in client.get("/targets/programmes/").content.decode()
    url = f"/targets/programmes/{programme.pk}/edit/"
    form = client.get(url).context["form"]
    assert form["n_training"].initial == "1.2" and form["r_certified"].initial == 100
    edited = programme_data(orgs["city"], name="家政服务专项行动", n_training="", number=99)
    assert client.post(url, edited).status_code == 302
    programme.refresh_from_db()
    assert (programme.name, programme.number) == ("家政服务专项行动", 13)  # the number stays
    assert not ProgrammeTarget.objects.filter(programme=programme, measure__code="training")
    # 梁园区's reviewer may not edit the city's programme.
    assert login("county_reviewer").get(url).status_code == 404


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"number": 1}, "number", "已有此编号的专项行动"),  # 002 §三(一) exists
        ({"n_training": "-0.1"}, "n_training", "大于或等于0"),
        ({"n_training": "很多"}, "n_training", "输入一个数字"),
        ({"r_certified": "120"}, "r_certified", "小于或等于100"),
        ({"n_certified": "1"}, "r_certified", "数量或比率"),
        ({"name": ""}, "name", "该字段是必填项"),
    ],
)
def test_a_bad_programme_is_refused_and_nothing_written(
    plan2022, login, orgs, changes, field, message
):
    first = Programme.objects.get(bureau=orgs["city"], number=1)
    before = (Programme.objects.count(), ProgrammeTarget.objects.count(), first.name)
    refused = login("city_reviewer").post(
        "/targets/programmes/new/", programme_data(orgs["city"], **changes)
    )
    assert refused.status_code == 200 and field in refused.context["form"].errors
    assert message in refused.content.decode()
    first.refresh_from_db()
    assert (Programme.objects.count(), ProgrammeTarget.objects.count(), first.name) == before


def test_the_targets_models_are_read_only_in_the_admin(plan2022, rf, users, login):
    from jineng.targets import models

    for model in (models.Measure, models.Plan, models.PlanVersion, models.PlanTotal,
                  models.Allocation, models.Programme, models.ProgrammeTarget):  # fmt: skip
        model_admin = admin.site._registry[model]
        assert isinstance(model_admin, ReadOnlyAdmin)
        request = rf.get("/")
        request.user = users["admin"]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)


def test_next_plan_from_this_one_fills_the_form(plan2022, goal, login, orgs):
    """The plan page's link: the 2022 plan gives 2023, its bureau, its totals (002 附件1 sums:
    20.4万 training) and itself to copy; the 2022–2025 plan gives 2026–2029."""
    client = login("city_reviewer")
    page = client.get(f"/targets/{plan2022.pk}/").content.decode()
    assert f"/targets/new/?copy={plan2022.pk}" in page
    form = client.get(f"{NEW}?copy={plan2022.pk}").context["form"]
    assert (form["bureau"].initial, form["start_year"].initial, form["end_year"].initial) == (
        orgs["city"], 2023, 2023,
    )  # fmt: skip
    assert form["copy_from"].initial == plan2022 and form["t_training"].initial == "20.4"
    multi = client.get(f"{NEW}?copy={goal.pk}").context["form"]
    assert (multi["start_year"].initial, multi["end_year"].initial) == (2026, 2029)
    # Out of scope or nonsense: an empty form, never an error page.
    county = login("county_reviewer").get(f"{NEW}?copy={plan2022.pk}")
    assert county.status_code == 200 and county.context["form"]["copy_from"].initial is None
    assert login("city_reviewer").get(f"{NEW}?copy=abc").status_code == 200
    client = login("admin")
    listing = client.get("/admin/targets/plan/")
    assert listing.status_code == 200 and plan2022.title in listing.content.decode()
    assert client.get("/admin/targets/allocation/?axis=county").status_code == 200
    assert client.get("/admin/targets/plan/add/").status_code == 403
