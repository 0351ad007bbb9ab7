"""Progress against target (002 附件1/附件2, §五(三)) on the plan page and the dashboards (issue
16): a hand-made plan of this year and facts counted by jineng.stats, the figures worked out here;
a county reader and a department get only their own rows, on the page and in the JSON.

The plan (商丘市, this year): totals training 10, new_skilled 4; county rows 梁园区 (411402)
training 4 and new_skilled 2, 永城市 (411481) training 5; department row 市总工会 training 2.
The facts (all classes completed this year, stats' rollup rebuilt):
- A 梁园区启航 (梁园区), 3 trainees, all completed; p1 gets a skill certificate (his first);
- B 永城市技工学校 (永城市), funded by 市总工会, 2 trainees completed;
- C 鸿鹄 (the city's own, 411400: in no county row), 2 trainees, the second completes nothing.
So training at completion: 梁园区 3 of 4 = 75.0 % (1 to go), 永城市 2 of 5 = 40.0 % (3 to go),
the county rows 5 of 9 = 55.6 %, the city 6 of 10 = 60.0 %, 市总工会 2 of 2 = 100.0 % (0 to
go); at enrolment (when the plan says so) C's second trainee counts too: the city 7 = 70.0 %.
new_skilled: 梁园区 1 of 2 = 50.0 %.
"""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from jineng.certificates.models import CertificateKind
from jineng.core.models import Organisation, User
from jineng.institutions.models import Institution
from jineng.stats import rollup
from jineng.targets import dashboard, selectors, services
from jineng.targets.models import Axis, Plan
from tests.factories import CertificateFactory, PersonFactory, TrainingClassFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
# The factory's classes end two days ago: the plan is of that day's year.
YEAR = (TODAY - timedelta(days=2)).year
START = date(YEAR, 1, 1)


def institution(name: str) -> Institution:
    return Institution.objects.get(organisation__name=name)


@pytest.fixture
def world(act):
    city = Organisation.objects.get(code="411400")
    liangyuan = Organisation.objects.get(code="411402")
    yongcheng = Organisation.objects.get(code="411481")
    dept = Organisation.objects.get(code="DEPT-411400-25")
    row = services.Row
    with act("city_reviewer"):
        services.ensure_measures()
        plan = services.create_plan(
            bureau=city, start_year=YEAR, end_year=YEAR, title="test plan",
            reason="test", document_number="T-1",
            totals={"training": 10, "new_skilled": 4},
            rows=[
                row(Axis.COUNTY, 1, "梁园区", "training", 4, liangyuan),
                row(Axis.COUNTY, 1, "梁园区", "new_skilled", 2, liangyuan),
                row(Axis.COUNTY, 2, "永城市", "training", 5, yongcheng),
                row(Axis.DEPARTMENT, 1, "市总工会", "training", 2, dept),
            ],
        )  # fmt: skip
    p = PersonFactory.create_batch(3)
    a = TrainingClassFactory(state="completed", institution=institution("梁园区启航职业培训学校"),
                             staff="admin", occupation="4-10-01-05", trainees=p)  # fmt: skip
    TrainingClassFactory(state="completed", institution=institution("永城市技工学校"),
                         staff="admin", level="3", training_type="job_skills_upgrade",
                         funding_department=dept,
                         trainees=PersonFactory.create_batch(2, bureau="411481"))  # fmt: skip
    TrainingClassFactory(state="completed", missing=1,
                         trainees=PersonFactory.create_batch(2))  # fmt: skip
    CertificateFactory(person=p[0], training_class=a, kind=CertificateKind.SKILL_LEVEL,
                       occupation="4-10-01-05", level="5", days_ago=1)  # fmt: skip
    with act(None):
        rollup.rebuild(START, TODAY)
    return {"plan": plan, "dept": dept, "liangyuan": liangyuan, "yongcheng": yongcheng}


def user(name):
    return User.objects.get(username=name)


def county_table(reader, plan):
    tables = selectors.tables(reader, selectors.latest_version(plan))
    selectors.add_progress(reader, plan, tables)
    return {t.axis: t for t in tables}


def test_002_progress_per_row_sum_and_total(world):
    """002 附件1/附件2: each row's target against what was counted in its county (the place of
    training) or for its department (the training it funds)."""
    plan = world["plan"]
    tables = county_table(user("city_reviewer"), plan)
    county = tables[Axis.COUNTY]
    got = {r.label: [(p.done, p.percent, p.left) for p in r.progress] for r in county.rows}
    # The table's measures: training, new_skilled (梁园区 has both, 永城市 training only).
    assert got == {
        "梁园区": [(3, 75.0, 1), (1, 50.0, 1)],
        "永城市": [(2, 40.0, 3), (0, None, None)],
    }
    assert [(p.done, p.percent, p.left) for p in county.progress_sums] == [
        (5, 55.6, 4),
        (1, 50.0, 1),
    ]
    department = tables[Axis.DEPARTMENT]
    assert [(p.done, p.percent, p.left) for p in department.rows[0].progress] == [(2, 100.0, 0)]
    whole = selectors.plan_progress(user("city_reviewer"), plan, selectors.latest_version(plan))
    assert (whole["training"].done, whole["training"].percent, whole["training"].left) == (
        6,
        60.0,
        4,
    )
    assert whole["new_skilled"].done == 1


def test_002_training_counted_as_the_plan_says(world):
    """The plan counts its training at enrolment: C's trainee who completed nothing counts."""
    plan = world["plan"]
    Plan.objects.filter(pk=plan.pk).update(training_counted_at="enrolment")
    plan.refresh_from_db()
    whole = selectors.plan_progress(user("city_reviewer"), plan, selectors.latest_version(plan))
    assert (whole["training"].done, whole["training"].percent) == (7, 70.0)


def test_create_plan_refuses_an_unknown_counting_rule(act):
    from django.core.exceptions import ValidationError

    with act("city_reviewer"), pytest.raises(ValidationError, match="完成|结业|completion"):
        services.ensure_measures()
        services.create_plan(
            bureau=Organisation.objects.get(code="411400"), start_year=2031, end_year=2031,
            title="x", reason="x", document_number="x", totals={}, training_counted_at="never",
        )  # fmt: skip


def cells(html: str, table_id: str) -> str:
    match = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S)
    assert match, table_id
    return match.group(0)


def test_plan_page_shows_progress_and_a_county_reader_its_row(world, login):
    plan = world["plan"]
    html = login("city_reviewer").get(f"/targets/{plan.pk}/").content.decode()
    county = cells(html, "table-county")
    assert re.search(r'data-measure="training"><span class="done">3</span> / '
                     r'<span class="target">4</span> · <span class="percent">75.0%</span> · '
                     r'<span class="left">[^<]*1[^<]*</span>', county)  # fmt: skip
    assert '<span class="percent">40.0%</span>' in county
    assert '<span class="percent">55.6%</span>' in county  # the sum row
    totals = cells(html, "totals")
    assert re.search(r'data-measure="training">.*?<td class="text-end target">10</td>'
                     r'<td class="text-end done">6</td><td class="text-end percent">60.0%</td>'
                     r'<td class="text-end left">4</td>', totals, re.S)  # fmt: skip

    response = login("county_reviewer").get(f"/targets/{plan.pk}/")
    assert response.status_code == 200  # the city's plan, with the county's own row
    html = response.content.decode()
    county = cells(html, "table-county")
    assert "梁园区" in county and "永城市" not in county
    assert '<span class="percent">75.0%</span>' in county
    assert "55.6%" not in html and "60.0%" not in html  # no sums, no city-wide progress
    assert 'class="text-end done"' not in cells(html, "totals")


def test_dashboard_json_is_scoped(world, login):
    """The charts' JSON: the city sees every row; 梁园区's reviewer its county only (its trend
    and ranking too); the department its own row and none of the counties."""
    client = login("city_reviewer")
    data = client.get("/api/v1/targets/dashboard/", {"measure": "training"}).json()
    assert data["plan"]["id"] == world["plan"].pk
    counties = {r["code"]: (r["target"], r["done"], r["percent"], r["left"])
                for r in data["counties"]}  # fmt: skip
    assert counties == {"411402": (4, 3, 75.0, 1), "411481": (5, 2, 40.0, 3)}
    assert [(r["label"], r["done"], r["percent"]) for r in data["departments"]] == [
        ("市总工会", 2, 100.0)
    ]
    assert sum(p["value"] for p in data["trends"]["month"]) == 6
    assert sum(p["value"] for p in data["trends"]["week"]) == 6
    assert data["map"] == {"name": "商丘", "by": "percent"}
    ranking = data["indicator"]["institutions"]
    assert {r["institution"] for r in ranking} >= {"梁园区启航职业培训学校", "永城市技工学校"}
    liangyuan_url = next(r["url"] for r in data["counties"] if r["code"] == "411402")
    assert "by=county" in liangyuan_url and "key=411402" in liangyuan_url
    # The link behind 梁园区's figure lists its 3 completers.
    rows = client.get(liangyuan_url).content.decode()
    assert len(re.findall(r"<tr data-id=", rows)) == 3

    client = login("county_reviewer")
    data = client.get("/api/v1/targets/dashboard/", {"measure": "training"}).json()
    assert [(r["code"], r["done"], r["percent"]) for r in data["counties"]] == [("411402", 3, 75.0)]
    assert data["departments"] == []
    assert sum(p["value"] for p in data["trends"]["month"]) == 3
    ranking = [r["institution"] for r in data["indicator"]["institutions"]]
    assert ranking == ["梁园区启航职业培训学校"]

    client = login("department")
    data = client.get("/api/v1/targets/dashboard/", {"measure": "training"}).json()
    assert data["counties"] == []
    assert [(r["label"], r["done"]) for r in data["departments"]] == [("市总工会", 2)]


def test_dashboard_bad_parameters_answer_400_and_the_page_a_message(world, login):
    client = login("county_reviewer")
    bad = client.get("/api/v1/targets/dashboard/", {"measure": "planets"})
    assert bad.status_code == 400 and "measure" in bad.json()
    bad = client.get("/api/v1/targets/dashboard/", {"plan": 10**9})
    assert bad.status_code == 400 and "plan" in bad.json()
    page = client.get("/dashboard/", {"indicator": "income_rate"})
    assert page.status_code == 200 and b"filter-errors" in page.content
    # A plan outside the reader's scope is no such plan: the city's 2022–2025 goals have no
    # county row.
    other = Plan.objects.create(bureau=Organisation.objects.get(code="411400"), start_year=2030,
                                end_year=2030, title="other")  # fmt: skip
    assert client.get("/api/v1/targets/dashboard/", {"plan": other.pk}).status_code == 400
    # Without stats.view: refused, page and API.
    worker = login("worker")
    assert worker.get("/dashboard/").status_code == 403
    assert worker.get("/api/v1/targets/dashboard/").status_code == 403


def test_dashboard_page_tables_links_and_no_inline_script(world, login):
    """The page's tables come from the same figures as the JSON; its charts read the JSON from
    the data-url (the CSP allows no inline script)."""
    response = login("city_reviewer").get("/dashboard/", {"measure": "training"})
    html = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert re.search(r'data-url="/api/v1/targets/dashboard/\?measure=training"', html)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)  # every script is a file
    table = cells(html, "table-counties")
    assert re.search(r"梁园区</td><td[^>]*>4</td><td[^>]*><a [^>]*>3</a></td>"
                     r"<td[^>]*>75.0%</td><td[^>]*>1</td>", table)  # fmt: skip
    assert "vendor/echarts/echarts" in html and "vendor/echarts/shangqiu" in html


def test_without_a_plan_the_dashboard_shows_counts(world, login):
    Plan.objects.filter(pk=world["plan"].pk).delete()
    data = dashboard.data(user("city_reviewer"), {"measure": "training"})
    assert data["plan"] is None and data["map"]["by"] == "count"
    assert {r["code"]: (r["done"], r["target"]) for r in data["counties"]} == {
        "411400": (1, None), "411402": (3, None), "411481": (2, None),
    }  # fmt: skip


def listed(client, url) -> int:
    return len(re.findall(r"<tr data-id=", client.get(url).content.decode()))


def test_002_each_institution_of_the_ranking_links_to_its_rows(world, login):
    """002 §五(三) 持证率 per institution: each figure of the ranking links to the enrolments
    behind it (numerator and denominator), the same rows as the figure, within the reader's
    scope. 梁园区启航: 1 certified of 3 completers; 永城市技工学校: 0 of 2."""
    client = login("city_reviewer")
    data = client.get("/api/v1/targets/dashboard/", {"indicator": "certificate_rate"}).json()
    ranking = {r["institution"]: r for r in data["indicator"]["institutions"]}
    qihang, jigong = ranking["梁园区启航职业培训学校"], ranking["永城市技工学校"]
    assert (qihang["numerator"], qihang["denominator"], qihang["rate"]) == (1, 3, 33.3)
    assert (jigong["numerator"], jigong["denominator"]) == (0, 2)
    for row in ranking.values():
        assert f"institution={row['id']}" in row["url"] and "part=numerator" in row["url"]
        assert listed(client, row["url"]) == row["numerator"]
        assert listed(client, row["denominator_url"]) == row["denominator"]
    page = client.get("/dashboard/", {"indicator": "certificate_rate"}).content.decode()
    assert f'href="{qihang["denominator_url"].replace("&", "&amp;")}"' in page
    institution_page = client.get(qihang["denominator_url"]).content.decode()
    assert "梁园区启航职业培训学校" in institution_page
    # 梁园区's reviewer following 永城市's link sees none of its rows; a bad id is a message.
    county = login("county_reviewer")
    assert listed(county, jigong["denominator_url"]) == 0
    bad = county.get("/stats/indicator/", {"indicator": "placement", "institution": "abc"})
    assert bad.status_code == 200 and b"filter-errors" in bad.content
    not_one = county.get("/stats/indicator/", {"indicator": "placement",
                                               "institution": world["dept"].pk})  # fmt: skip
    assert "没有该培训机构" in not_one.content.decode()
