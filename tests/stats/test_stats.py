"""Statistics (002 §五(三), 002 附件1, 004 §五(一), §五(五)): each measure and indicator counted on
a small hand-made dataset whose answer is worked out here; the rollup equals a direct count; the
first-time rule of 新增技能人才; the data scope of a county reader and a department on the page
and the API; bad parameters answered with a message.

The dataset (`world`) stands in a region of its own, 洛阳市 (410300), which the demo (all of it
商丘市, 411400) never touches, and is read by that city's reviewer (READER): so the hand-worked
figures hold whatever else the database holds (on the xdist worker that loads the full demo,
the demo's classes and certificates stay there). Its bureaus (洛阳市, 老城区, 新安县) are named
from the region catalog; its institutions, department, reviewers and department user are its
own. All classes completed through the services:
- A 老城区启航 (county 410302), 就业技能培训, 4-10-01-05 五级, 3 trainees p1 p2 p3 (农村转移).
- B 新安县技工学校 (410323), 岗位技能提升培训, 6-18-02-04 三级 (high skill), funded by 洛阳市总工会,
  2 trainees q1 q2.
- C 洛阳市鸿鹄 (the city's own, 410300), 创业培训, 6-18-02-04 五级, 2 trainees without a category,
  the second attends nothing (not completed).
- D 新安县技工学校, 岗位技能提升培训, 6-18-02-04 四级, ended about 300 days ago, 2 trainees q3 q4.
Certificates (days ago): p1 skill level 1 (class A, his first); p2 special ability 400 (no
class) and skill level 1 (class A); p3 a 培训合格证书 1 (class A); q1 三级 1 (class B, first);
q2 四级 500 (no class) and 三级 1 (class B).
Employment: p1 insured since before A, still; p2 ended before A ended; q3 insured since before
D, still; q4 ended 30 days after D ended.
"""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from jineng.certificates.models import CertificateKind
from jineng.core.models import User
from jineng.core.roles import OrgKind, Role
from jineng.institutions import services as institutions
from jineng.institutions.models import Institution
from jineng.people import services as people
from jineng.stats import demo, facts, rollup, selectors, services
from jineng.stats.measures import MEASURES
from jineng.stats.models import DailyCount
from jineng.stats.tasks import rebuild_rollup
from tests.actors import act
from tests.factories import (
    CertificateFactory,
    InstitutionFactory,
    OrganisationFactory,
    PersonFactory,
    TrainingClassFactory,
    UserFactory,
    adopt_pack,
    credit_code,
    region_bureau,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
START, END = TODAY - timedelta(days=30), TODAY
WIDE = TODAY - timedelta(days=400)

# The world's region: 洛阳市 and two of its counties (the demo's 商丘市, 梁园区 and 永城市 stand in
# the same places of the demo's tree), and the logins of its readers.
CITY, COUNTY, OTHER_COUNTY = "410300", "410302", "410323"  # 洛阳市, 老城区, 新安县
READER, COUNTY_READER, DEPARTMENT_READER = "luoyang_reviewer", "laocheng_reviewer", "luoyang_union"
QIHANG, JIGONG, HONGHU = "老城区启航职业培训学校", "新安县技工学校", "洛阳市鸿鹄职业技能培训学校"


def institution(name: str) -> Institution:
    return Institution.objects.get(organisation__name=name)


def employed(person, start, end=None, n=1):
    with act(None):
        people.add_employment(person, employer_uscc=credit_code(CITY, 900 + n), start=start,
                              end=end, insured_months=6)  # fmt: skip


def world_institution(name: str, region: str, serial: int, designations) -> Institution:
    """A designated institution of the world's region with two part-time teachers of its own,
    engaged in every year a class of the world falls in."""
    organisation = OrganisationFactory(
        name=name, parent_code=region, code=credit_code(region, serial)
    )
    inst = InstitutionFactory(organisation=organisation, designations=designations)
    with act(None):
        for teacher in PersonFactory.create_batch(2, bureau=region):
            teacher = institutions.add_teacher(teacher, qualifications="教师资格证")
            for year in sorted({(TODAY - timedelta(days=310)).year, TODAY.year}):
                institutions.engage(teacher, inst, year=year, full_time=False)
    return inst


@pytest.fixture
def world(db):
    city, county, other = region_bureau(CITY), region_bureau(COUNTY), region_bureau(OTHER_COUNTY)
    adopt_pack(CITY)  # 商丘's rules (henan-shangqiu-2022), so the classes are judged as there
    dept = OrganisationFactory(kind=OrgKind.DEPARTMENT, name="洛阳市总工会", code="DEPT-410300-25",
                               parent_code=CITY)  # fmt: skip
    reader = UserFactory(username=READER, organisation=city, roles=[Role.REVIEWER])
    UserFactory(username=COUNTY_READER, organisation=county, roles=[Role.REVIEWER])
    UserFactory(username=DEPARTMENT_READER, organisation=dept, roles=[Role.DEPARTMENT_STAFF])
    welding = "6-18-02-04"
    qihang = world_institution(QIHANG, COUNTY, 801, [("4-10-01-05", "5")])
    jigong = world_institution(JIGONG, OTHER_COUNTY, 802, [(welding, "3"), (welding, "4")])
    honghu = world_institution(HONGHU, CITY, 803, [(welding, "5")])
    p = PersonFactory.create_batch(3, bureau=COUNTY, categories=["rural_migrant"])
    q = PersonFactory.create_batch(4, bureau=OTHER_COUNTY, categories=["rural_migrant"])
    uncategorised = PersonFactory.create_batch(2, bureau=CITY)
    made = {"staff": "admin", "approver": reader}
    a = TrainingClassFactory(state="completed", institution=qihang, occupation="4-10-01-05",
                             trainees=p, **made)  # fmt: skip
    b = TrainingClassFactory(state="completed", institution=jigong, level="3",
                             training_type="job_skills_upgrade", trainees=q[:2],
                             funding_department=dept, **made)  # fmt: skip
    c = TrainingClassFactory(state="completed", institution=honghu, missing=1,
                             training_type="entrepreneurship", trainees=uncategorised,
                             **made)  # fmt: skip
    d = TrainingClassFactory(state="completed", institution=jigong, level="4",
                             training_type="job_skills_upgrade", trainees=q[2:],
                             start=TODAY - timedelta(days=300), **made)  # fmt: skip
    skill = CertificateKind.SKILL_LEVEL
    CertificateFactory(person=p[0], training_class=a, occupation="4-10-01-05", level="5",
                       days_ago=1)  # fmt: skip
    CertificateFactory(person=p[1], kind=CertificateKind.SPECIAL_ABILITY, level=None,
                       occupation="4-10-01-05", days_ago=400)  # fmt: skip
    CertificateFactory(person=p[1], training_class=a, occupation="4-10-01-05", level="5",
                       days_ago=1)  # fmt: skip
    CertificateFactory(person=p[2], training_class=a, occupation="4-10-01-05", level=None,
                       kind=CertificateKind.TRAINING_COMPLETION, days_ago=1)  # fmt: skip
    CertificateFactory(person=q[0], training_class=b, kind=skill, occupation=welding, level="3",
                       days_ago=1)  # fmt: skip
    CertificateFactory(person=q[1], kind=skill, occupation=welding, level="4", days_ago=500)
    CertificateFactory(person=q[1], training_class=b, kind=skill, occupation=welding, level="3",
                       days_ago=1)  # fmt: skip
    employed(p[0], a.start_date - timedelta(days=100), n=1)
    employed(p[1], a.start_date - timedelta(days=100), a.end_date - timedelta(days=10), n=2)
    employed(q[2], d.start_date - timedelta(days=100), n=3)
    employed(q[3], d.start_date - timedelta(days=100), d.end_date + timedelta(days=30), n=4)
    with act(None):
        rollup.rebuild(WIDE - timedelta(days=200), TODAY)
    return {"a": a, "b": b, "c": c, "d": d, "dept": dept, "p": p, "q": q, "city": city,
            "county": county, "other_county": other}  # fmt: skip


def reader() -> User:
    """The world's reader: 洛阳市's reviewer, whose region holds none of the demo's rows."""
    return User.objects.get(username=READER)


def total(measure, user=None, **kwargs):
    return selectors.measure_totals(user or reader(), measure, START, END, **kwargs)["total"]


def test_training_counted_at_completion_or_enrolment(world):
    """002 附件1 职业技能培训（人次）: completers on the class's end day (A 3, B 2, C 1 of 2);
    at enrolment every trainee not withdrawn, when a plan says so (with D: 9, against 8)."""
    assert total("training") == 6
    enrolled = selectors.measure_totals(reader(), "training", WIDE, END, counted_at="enrolment")
    assert enrolled["total"] == 9  # with C's trainee who did not complete
    assert selectors.measure_totals(reader(), "training", WIDE, END)["total"] == 8


def test_new_skilled_counts_a_person_once_the_first_time_ever(world):
    """002 附件1 新增技能人才: p1 and q1 (first skill certificates); p2 had a 专项职业能力证书
    400 days ago and q2 a 四级 500 days ago: not new; p3's 培训合格证书 is no skill certificate
    (004 §四(五): 不含培训合格证)."""
    assert total("new_skilled") == 2
    rows = selectors.measure_rows(reader(), "new_skilled", START, END)
    assert {c.person_id for c in rows} == {world["p"][0].pk, world["q"][0].pk}
    # Over the wider period p2's and q2's first certificates are new in their own time.
    assert (
        selectors.measure_totals(reader(), "new_skilled", WIDE - timedelta(days=200), END)["total"]
        == 4
    )


def test_new_high_skilled_is_the_first_certificate_at_level_three_or_above(world):
    """002 附件1 新增高技能人才, 002 §三 高级证书 (三级/高级工 and above). q1 and q2 (q2's
    earlier 四级 is not high skill)."""
    assert total("new_high_skilled") == 2


def test_certified_and_of_which_high(world):
    """002 §三 取证人数, 其中高级证书: skill certificates after a class here: p1, p2, q1, q2 (p3's
    is a 培训合格证书); 三级 and above: q1, q2."""
    assert total("certified") == 4
    assert total("certified_high") == 2


def test_by_county_department_institution_occupation_category_month(world):
    """002 §五(三), 004 §五(一): the same training by place and by department (never added)."""
    user = reader()

    def by(measure, key):
        return selectors.measure_totals(user, measure, START, END, key)

    assert by("training", "county") == {CITY: 1, COUNTY: 3, OTHER_COUNTY: 2}
    assert by("training", "department") == {None: 4, world["dept"].pk: 2}
    a, b = world["a"], world["b"]
    assert by("training", "institution")[a.institution.organisation_id] == 3
    assert by("certified_high", "institution") == {b.institution.organisation_id: 2}
    assert by("training", "occupation")[a.occupation_id] == 3
    assert by("training", "category") == {"rural_migrant": 5, "-": 1}
    assert sum(by("training", "month").values()) == 6
    assert by("certified_high", "county") == {OTHER_COUNTY: 2}
    # The list behind the city's own figure (市本级: 洛阳市鸿鹄): C's completer, not the counties'.
    rows = selectors.measure_rows(user, "training", START, END, key_by="county", key=CITY)
    assert [e.training_class_id for e in rows] == [world["c"].pk]
    rows = selectors.measure_rows(user, "training", START, END, key_by="city", key=CITY)
    assert rows.count() == 6


def test_rollup_equals_a_direct_count_and_is_idempotent(world):
    """002 §五(三) 日统计: the daily rollup gives what counting the facts gives, for the world's
    reader (the facts of 洛阳市) and for the administrator (every fact there is); twice the
    same."""
    before = list(DailyCount.objects.order_by("id").values_list("day", "measure", "value"))
    with act(None):
        rollup.rebuild(WIDE - timedelta(days=200), TODAY)
    after = list(DailyCount.objects.order_by("id").values_list("day", "measure", "value"))
    assert sorted(before) == sorted(after)
    everyone = User.objects.get(username="admin")
    for code in MEASURES:
        rows = facts.in_period(facts.facts(code), WIDE, END)
        own = rows.filter(org_path__startswith=world["city"].path).count()
        assert selectors.measure_totals(reader(), code, WIDE, END)["total"] == own, code
        assert selectors.measure_totals(everyone, code, WIDE, END)["total"] == rows.count(), code
    assert total("training") == 6  # not a comparison of zeros


def test_the_command_rebuilds_a_range(world, capsys):
    DailyCount.objects.all().delete()
    call_command("stats", "rollup", "--from", str(START), "--to", str(END))
    assert '"training": ' in capsys.readouterr().out
    assert total("training") == 6


def test_indicators(world):
    """004 §五(五), 002 §五(三), worked out: placement (A) 1 of 3 (p1; p2's job ended before);
    retention (D only: B ended less than 180 days ago) 1 of 2 (q3; q4 left after 30 days);
    entrepreneurship pass (C) 1 of 2; high-skill share 2 (B) of 8 completers; certificate rate
    4 (p1 p2 q1 q2) of 8; employment rate 3 (p1 q3 q4) of 8; 增收率: no income data."""
    result = {
        i["code"]: (i["numerator"], i["denominator"], i["rate"])
        for i in selectors.indicators(reader(), WIDE, END, today=TODAY)
    }
    assert result == {
        "placement": (1, 3, 33.3),
        "retention": (1, 2, 50.0),
        "entrepreneurship_pass": (1, 2, 50.0),
        "high_skill_share": (2, 8, 25.0),
        "certificate_rate": (4, 8, 50.0),
        "employment_rate": (3, 8, 37.5),
        "income_rate": (None, None, None),
    }


def test_a_county_reader_sees_its_county_only(world):
    """A county reviewer (老城区): A only; the department (洛阳市总工会): what it funds (B)."""
    county = User.objects.get(username=COUNTY_READER)
    assert selectors.measure_totals(county, "training", START, END, "county") == {COUNTY: 3}
    assert total("certified_high", county) == 0
    department = User.objects.get(username=DEPARTMENT_READER)
    assert total("training", department) == 2
    assert selectors.measure_rows(county, "certified", START, END).count() == 2  # p1, p2


def test_pages_and_drill_down_within_scope(world, login):
    client = login(COUNTY_READER)
    page = client.get("/stats/", {"start": START, "end": END, "by": "county"})
    assert page.status_code == 200
    text = page.content.decode()
    assert f'data-key="{COUNTY}"' in text and f'data-key="{OTHER_COUNTY}"' not in text
    assert "增收率" in text
    rows = client.get("/stats/measure/", {"measure": "certified", "start": START, "end": END,
                                          "by": "county", "key": OTHER_COUNTY})  # fmt: skip
    assert rows.status_code == 200 and 'data-id="' not in rows.content.decode()
    rows = client.get("/stats/measure/", {"measure": "certified", "start": START, "end": END})
    assert rows.content.decode().count('data-id="') == 2
    rows = client.get("/stats/indicator/", {"indicator": "placement", "part": "denominator",
                                            "start": WIDE, "end": END})  # fmt: skip
    assert rows.content.decode().count('data-id="') == 3


def test_api_scope_and_bad_parameters(world, client):
    """The API: measures and indicators with period, region and department; a county reader its
    county only; a bad parameter answers 400 with its message."""
    client.force_login(User.objects.get(username=COUNTY_READER))
    answer = client.get("/api/v1/stats/measures/", {"start": START, "end": END})
    assert answer.status_code == 200
    assert [r["key"] for r in answer.json()["rows"]] == [COUNTY]
    bad = client.get("/api/v1/stats/measures/", {"start": "2022-13-40"})
    assert bad.status_code == 400 and "start" in bad.json()
    bad = client.get("/api/v1/stats/indicators/", {"start": END, "end": START})
    assert bad.status_code == 400 and "end" in bad.json()
    bad = client.get("/api/v1/stats/measures/", {"by": "planet"})
    assert bad.status_code == 400 and "by" in bad.json()
    client.force_login(reader())
    dept = world["dept"].pk
    answer = client.get("/api/v1/stats/measures/", {"start": START, "end": END,
                                                   "department": dept})  # fmt: skip
    totals = {m["code"]: m["total"] for m in answer.json()["measures"]}
    assert totals["training"] == 2 and totals["certified_high"] == 2
    answer = client.get("/api/v1/stats/indicators/", {"start": WIDE, "end": END})
    codes = {i["code"]: i for i in answer.json()["indicators"]}
    assert codes["retention"]["rate"] == 50.0 and codes["income_rate"]["available"] is False
    assert client.get("/api/v1/stats/measures/", {"region": 999999}).status_code == 400


def test_a_bad_parameter_on_the_page_is_a_message(world, login):
    page = login("city_reviewer").get("/stats/", {"end": "yesterday"})
    assert page.status_code == 200 and "filter-errors" in page.content.decode()
    assert login("worker").get("/stats/").status_code == 403


def test_the_schema_documents_the_parameters(login):
    """The API in the OpenAPI schema, with the period, region and department parameters."""
    schema = login("admin").get("/api/schema/?format=json").json()
    for path in ("/api/v1/stats/measures/", "/api/v1/stats/indicators/"):
        names = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
        assert {"start", "end", "region", "department", "by", "counted_at"} <= names


def test_the_task_rebuilds_the_rollup(world):
    """002 §五(三) 日统计: the worker's task recounts a range (here called in process)."""
    DailyCount.objects.all().delete()
    written = rebuild_rollup.call(str(START), str(END))
    assert written["training"] > 0 and total("training") == 6


def test_the_demo_counts_what_it_finds(world):
    """The demo's loader rebuilds the rollup (from 1 January last year to today) from the facts
    there are, whichever they are (the dataset's; on the worker that loads the full demo, the
    demo's too): every measure's total is a direct count of its facts, and the dataset's figure
    reads as worked out."""
    DailyCount.objects.all().delete()
    with act(None):  # as `jineng demo` runs it: the system's own work
        assert demo.load()["daily_counts"] > 0
    start, everyone = date(TODAY.year - 1, 1, 1), User.objects.get(username="admin")
    for code in MEASURES:
        direct = facts.in_period(facts.facts(code), start, TODAY).count()
        assert selectors.measure_totals(everyone, code, start, TODAY)["total"] == direct, code
    assert total("certified") == 4


def test_rebuilding_the_rollups_fails_closed(world):
    """The command, the task, the cadence and the demo name their work; nobody else recounts."""
    with pytest.raises(PermissionDenied, match="请先登录"):
        services.rebuild_rollups(TODAY, TODAY)
    with act(None):
        assert services.rebuild_rollups(TODAY, TODAY)["new_skilled"] >= 0
