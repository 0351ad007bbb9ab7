"""Policy packs in the database, the decision "why" page, and the calendar and policy commands."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from jineng.catalog import packs
from jineng.catalog.models import DecisionRecord, PolicyPackVersion
from jineng.core import audit
from jineng.policy.engine import decide_evaluation_subsidy, decide_training_subsidy
from jineng.policy.errors import PackError
from jineng.policy.pack import load_packs
from jineng.policy.records import EvaluationLine, PriorSubsidy
from tests.live import jineng, prepared_environment, scratch_environment
from tests.policy.builders import training_line

pytestmark = pytest.mark.django_db
POLICIES = Path(__file__).parents[2] / "policies"


def test_the_shipped_packs_are_loaded_with_their_versions():
    loaded = set(PolicyPackVersion.objects.values_list("pack_id", "version"))
    in_files = {(pack.id, pack.version) for pack in load_packs(POLICIES)}
    assert in_files <= loaded
    assert {pack_id for pack_id, _ in in_files} == {
        "hebei-2024",
        "henan-shangqiu-2022",
        "chongqing-2022",
        "example-strict",
    }


def test_loading_again_changes_nothing():
    with audit.system_context("test"):
        outcomes = packs.load_pack_directory(POLICIES)
    assert set(outcomes.values()) == {"unchanged"}


def test_a_changed_pack_under_the_same_version_is_refused(tmp_path):
    text = (POLICIES / "hebei-2024.toml").read_text(encoding="utf-8")
    changed = tmp_path / "hebei-2024.toml"
    changed.write_text(text.replace("title_en =", "# edited\ntitle_en ="), encoding="utf-8")
    with audit.system_context("test"), pytest.raises(PackError, match="bump the version"):
        packs.load_pack_directory(tmp_path)
    assert PolicyPackVersion.objects.filter(pack_id="hebei-2024").count() == 1


def test_the_pack_for_a_county_is_its_citys():
    """A pack applies to its region and everything below it (411402 梁园区 → 411400 商丘市)."""
    version, pack = packs.pack_for("411402", date(2026, 5, 1))
    assert pack.id == "henan-shangqiu-2022" and version.pack_id == pack.id
    assert packs.pack_for("411402", date(2022, 1, 1)) is None  # before 商政办〔2022〕9号


def shangqiu_evaluation(history=()):
    """002 §四(二)1: 高级工 evaluation subsidy 280 yuan; same occupation and level never twice."""
    version, pack = packs.pack_for("411402", date(2026, 5, 1))
    line = EvaluationLine(
        claim_id="E-2",
        person_key="p-1",
        categories=frozenset({"rural_migrant"}),
        occupation="6-18-02-04",
        level="3",
        certificate="skill_level",
        first_evaluation=True,
        evaluated_on=date(2026, 5, 1),
        agreement_signed_on=date(2026, 4, 28),  # 004 §四(五), assumed for Shangqiu
    )
    return version, decide_evaluation_subsidy(pack, line, list(history))


def test_why_page_explains_a_stored_decision(login, orgs):
    version, decision = shangqiu_evaluation()
    with audit.system_context("test"):
        record = packs.record_decision(decision, version, org_path=orgs["liangyuan"].path)
    assert record.amount == Decimal("280.00")
    client = login("county_reviewer")
    body = client.get(f"/decisions/{record.pk}/").content.decode()
    assert "280.00" in body and f"henan-shangqiu-2022 v{version.version}" in body
    assert "002 §四(二)1" in body
    api = client.get(f"/api/v1/decisions/{record.pk}/").json()
    assert api["detail"]["checks"] and api["pack_id"] == "henan-shangqiu-2022"
    # Stored and read back, the decision is the one the engine took.
    assert packs.decision_of(DecisionRecord.objects.get(pk=record.pk)) == decision


def test_why_page_says_why_an_assumed_value_is_assumed_in_the_readers_language(login, orgs):
    """002 states no rates or limits for the training subsidy: Shangqiu's pack assumes the
    national rule (国办发〔2019〕24号), and the why page gives that pack's note per language."""
    version, pack = packs.pack_for("411402", date(2026, 5, 1))
    line = training_line(training_end=date(2026, 4, 30))
    with audit.system_context("test"):
        decision = decide_training_subsidy(pack, line, [])
        record = packs.record_decision(decision, version, org_path=orgs["liangyuan"].path)
    unique = pack.rule("limits.training.unique_by")
    client = login("city_reviewer")
    chinese = client.get(f"/decisions/{record.pk}/").content.decode()
    assert unique.note_zh in chinese and unique.note not in chinese
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(f"/decisions/{record.pk}/").content.decode()
    assert unique.note in english and unique.note_zh not in english


def test_a_refusal_lists_the_earlier_claim(login, orgs):
    earlier = PriorSubsidy(
        claim_id="E-1",
        subsidy_type="evaluation",
        occupation="6-18-02-04",
        level="3",
        decided_on=date(2025, 6, 1),
        amount=Decimal("280"),
    )
    version, decision = shangqiu_evaluation([earlier])
    with audit.system_context("test"):
        record = packs.record_decision(decision, version, org_path=orgs["liangyuan"].path)
    body = login("county_reviewer").get(f"/decisions/{record.pk}/").content.decode()
    assert "E-1" in body and record.outcome == "refused"
    assert 'data-outcome="refused">不予发放</span>' in body  # the outcome in the user's language


def test_decisions_follow_the_data_scope(login, orgs):
    version, decision = shangqiu_evaluation()
    with audit.system_context("test"):
        record = packs.record_decision(decision, version, org_path=orgs["yongcheng"].path)
    assert login("county_reviewer").get(f"/decisions/{record.pk}/").status_code == 404
    assert login("city_reviewer").get(f"/decisions/{record.pk}/").status_code == 200


def test_calendar_command(tmp_path):
    """004 §四(五): notice periods count working days with China's adjusted holidays."""
    with scratch_environment(tmp_path) as env:
        across_national_day = jineng(env, "calendar", "add-workdays", "2025-09-30", "3")
        assert across_national_day.stdout.strip() == "2025-10-11"
        unknown = jineng(env, "calendar", "add-workdays", "2031-01-02", "3", check=False)
        assert unknown.returncode == 2
        assert len(unknown.stderr.strip().splitlines()) == 1 and "2031" in unknown.stderr
        bad = jineng(env, "calendar", "add-workdays", "2025-02-30", "3", check=False)
        assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_policy_load_refuses_a_malformed_pack_in_one_line(tmp_path):
    broken = tmp_path / "packs"
    broken.mkdir()
    text = (POLICIES / "hebei-2024.toml").read_text(encoding="utf-8")
    (broken / "hebei-2024.toml").write_text(re.sub(r"(?m)^version = \d+", 'version = "one"', text))
    with prepared_environment(tmp_path / "data", "migrated") as env:
        result = jineng(env, "policy", "load", str(broken), check=False)
    assert result.returncode == 2
    line = result.stderr.strip()
    assert "\n" not in line and "hebei-2024.toml" in line and "version" in line


def test_regions_load_from_a_code_list_file(tmp_path):
    from jineng.catalog import reference
    from jineng.catalog.models import Region

    code_list = tmp_path / "codes.csv"
    code_list.write_text(
        "code,name,valid_from,valid_to\n130000,河北省,,\n130100,石家庄市,,\n130102,长安区,,\n",
        encoding="utf-8",
    )
    with audit.system_context("test"):
        counts = reference.load_regions(reference.regions_from_csv(code_list))
    assert sum(counts.values()) == 3  # the demo's national code list may hold them already
    assert Region.objects.get(code="130102").ancestor_codes() == ["130102", "130100", "130000"]
