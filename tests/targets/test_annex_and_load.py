"""002 附件1 and 附件2 loaded exactly as printed, §三's programmes and §二(二)'s goals."""

from pathlib import Path

import pytest
from django.core.management import call_command

from jineng.core import demo as core_demo
from jineng.core.models import Organisation
from jineng.targets import annex, selectors
from jineng.targets.models import Allocation, Axis, Plan, Programme, ProgrammeTarget

SEED = next(Path(__file__).resolve().parents[3].glob("shared/seeds/002_*.txt"), None) or next(
    Path("/work/shared/seeds").glob("002_*.txt"), None
)


@pytest.mark.skipif(SEED is None, reason="the seed 002 is not in this checkout")
def test_002_annex_copy_is_verbatim():
    """002 附件1/附件2: every line of the repository's copy is a line of the seed, in order."""
    seed_lines = SEED.read_text(encoding="utf-8").splitlines()
    copy = annex.lines()
    start = seed_lines.index("附件1")
    assert seed_lines[start : start + len(copy)] == copy
    assert "9 | 市房城乡建设局 | 0.6 | 0.48 | 0.06 |" in copy  # the seed's spelling kept


@pytest.mark.skipif(SEED is None, reason="the seed 002 is not in this checkout")
def test_002_programme_targets_are_printed_in_section_3():
    """002 §三: each programme's name, targets and 责任单位 as printed."""
    text = SEED.read_text(encoding="utf-8")
    for spec in annex.PROGRAMMES:
        assert spec.name in text
        assert spec.targets_text in text
        assert f"(责任单位:{spec.responsible})" in text


def test_002_annex_figures_parse_exactly():
    """002 附件1: 永城市 3.5 / 2.5 / 1, 虞城县 0.448; 附件2's sums; 万 → whole persons."""
    tables = annex.parse()
    counties = {row.name: row.values for row in tables["附件1"].rows}
    departments = {row.name: row.values for row in tables["附件2"].rows}
    assert len(counties) == 10 and len(departments) == 28
    assert counties["永城市"] == (35000, 25000, 10000)
    assert counties["虞城县"] == (20000, 16500, 4480)
    assert departments["市政务服务和大数据局"] == (200, 100, 40)
    assert [sum(v[i] for v in counties.values()) for i in range(3)] == [204000, 163000, 46860]
    assert [sum(v[i] for v in departments.values()) for i in range(3)] == [225800, 192400, 55000]
    assert list(departments) == core_demo.DEPARTMENTS  # the demo's departments, in seed order


def test_wan_conversion_is_exact_and_refuses_what_is_not_a_count():
    assert annex.wan_to_persons("0.448") == 4480
    assert annex.persons_to_wan(4480) == "0.448"
    assert annex.persons_to_wan(10000) == "1"
    assert annex.persons_to_wan(0) == "0"
    with pytest.raises(ValueError, match="whole number"):
        annex.wan_to_persons("0.00001")
    with pytest.raises(ValueError, match="whole number"):
        annex.wan_to_persons("-1")
    with pytest.raises(ValueError, match="not a number"):
        annex.wan_to_persons("一")


def test_002_annex_loads_as_the_2022_plan_of_shangqiu(plan2022):
    """002 附件1 by county (region codes; 示范区 411499), 附件2 by department (DEPT-411400-NN)."""
    version = plan2022.versions.get()
    assert version.document_number == "商政办〔2022〕9号"
    county = Allocation.objects.filter(version=version, axis=Axis.COUNTY)
    yongcheng = county.filter(label="永城市")
    assert {a.measure.code: a.value for a in yongcheng} == {
        "training": 35000,
        "new_skilled": 25000,
        "new_high_skilled": 10000,
    }
    assert yongcheng.first().organisation.code == "411481"
    assert county.get(label="示范区", measure__code="training").organisation.code == "411499"
    housing = Allocation.objects.get(
        version=version, axis=Axis.DEPARTMENT, label="市房城乡建设局", measure__code="training"
    )
    assert housing.organisation.code == "DEPT-411400-09" and housing.value == 6000


def test_002_tables_sum_and_show_the_unallocated(plan2022, users):
    """The whole vs each table: 附件1 adds up to the totals (taken from its sums, 002 prints no
    city total); 附件2 counts the same training by department, 2.18万 more than the whole."""
    version = plan2022.versions.get()
    tables = {t.axis: t for t in selectors.tables(users["city_reviewer"], version)}
    assert tables[Axis.COUNTY].sum_cells() == ["20.4", "16.3", "4.686"]
    assert tables[Axis.COUNTY].unallocated == {
        "training": 0,
        "new_skilled": 0,
        "new_high_skilled": 0,
    }
    department = tables[Axis.DEPARTMENT]
    assert department.sum_cells() == ["22.58", "19.24", "5.5"]
    assert department.unallocated["training"] == 204000 - 225800
    assert department.unallocated_cells()[0] == ("−2.18", "over")
    programme = tables[Axis.PROGRAMME]
    # 002 §三: 6.5+5+4+0.5+2+1.5+0.2+1.5+0.5+1+2+0.2 = 24.9万 training; no total of certified.
    assert programme.sums["training"] == 249000
    codes = [m.code for m in programme.measures]
    assert programme.unallocated_cells()[codes.index("certified")] == ("", "none")


def test_002_section_3_programmes(loaded):
    """002 §三: twelve programmes; (十) states a rate (取证率百分之百), not a count; 责任单位
    linked to 附件2's departments where they exist (市住房城乡建设局 = 市房城乡建设局)."""
    programmes = Programme.objects.order_by("number")
    assert programmes.count() == 12
    ten = programmes.get(number=10)
    rate = ProgrammeTarget.objects.get(programme=ten, measure__code="certified")
    assert rate.rate_percent == 100 and rate.value is None
    one = ProgrammeTarget.objects.get(programme__number=1, measure__code="apprenticeship")
    assert one.value == 1500
    six = set(programmes.get(number=6).departments.values_list("code", flat=True))
    assert six == {"DEPT-411400-09", "DEPT-411400-25", "DEPT-411400-26"}
    eleven = programmes.get(number=11)
    assert "市城市管理局" in eleven.responsible  # no organisation: kept as text only
    assert eleven.departments.count() == 3
    assert str(ten) == "(十) 大众创业培训计划"


def test_002_section_2_goals_and_the_yearly_plans_towards_them(goal, plan2022):
    """002 §二(二): 102.5万人次, 80.04万人 certified, 24.3万 new high-skill by 2025; the 2022
    plan adds 20.4万 training and 4.686万 high-skill towards them; certified: no yearly plan."""
    lines = {line.measure.code: line for line in selectors.towards_goal(goal)}
    assert lines["training"].goal == 1025000
    assert lines["training"].planned == 204000 and lines["training"].remaining == 821000
    assert lines["new_high_skilled"].planned == 46860
    assert lines["certified"].goal == 800400 and lines["certified"].planned is None


def test_load_is_idempotent(loaded):
    before = Allocation.objects.count(), Plan.objects.count()
    call_command("targets", "load-annex")
    assert (Allocation.objects.count(), Plan.objects.count()) == before


def test_load_annex_creates_missing_departments(db, django_user_model, capsys):
    """After `jineng setup --region 411400` alone no department exists: the command makes them
    (the demo's codes), then loads; with --no-departments it refuses with a message."""
    Organisation.objects.filter(kind="department").update(is_active=False)  # keep; rename codes
    for org in Organisation.objects.filter(kind="department"):
        Organisation.objects.filter(pk=org.pk).update(code=f"OLD-{org.pk}")
    with pytest.raises(SystemExit):
        call_command("targets", "load-annex", "--no-departments")
    assert "没有对应单位" in capsys.readouterr().err
    assert not Plan.objects.filter(start_year=2022, end_year=2022).exists()
    call_command("targets", "load-annex")
    assert Organisation.objects.filter(code__startswith="DEPT-411400-").count() == 28
    assert Plan.objects.filter(start_year=2022, end_year=2022).exists()
