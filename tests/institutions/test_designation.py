"""Designation (定点) of training institutions: the states and their changes, each with a reason;
refused changes with clear errors; only the bureau designates; the data scope; the public
directory shows designated institutions and what they may train for, and drops removed ones."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jineng.catalog.models import Occupation, SkillLevel
from jineng.core import audit
from jineng.institutions import services
from jineng.institutions.models import Institution, InstitutionState

pytestmark = pytest.mark.django_db
WELDER, FOUR = "6-18-02-04", "4"


def institution(name: str) -> Institution:
    return Institution.objects.get(organisation__name=name)


@pytest.fixture
def applied():
    return institution("民权县巧手家政职业培训学校")


def test_demo_has_designated_and_applied_institutions():
    states = dict(Institution.objects.values_list("organisation__name", "state"))
    assert states["商丘市鸿鹄职业技能培训学校"] == "designated"
    assert states["民权县巧手家政职业培训学校"] == "applied"


def test_every_change_of_state_is_recorded_with_its_reason(applied, users):
    with audit.audit_context(actor=users["city_reviewer"]):
        services.change_state(
            applied, "designated", reason="年度遴选", document="商人社〔2026〕8号"
        )
        services.change_state(applied, "suspended", reason="年检不合格")
        services.change_state(applied, "designated", reason="整改完成")
        services.change_state(applied, "removed", reason="主动退出")
    history = list(applied.changes.order_by("at", "id").values_list("from_state", "to_state"))
    assert history == [
        ("", "applied"),
        ("applied", "designated"),
        ("designated", "suspended"),
        ("suspended", "designated"),
        ("designated", "removed"),
    ]
    assert applied.changes.last().by == users["city_reviewer"]


@pytest.mark.parametrize(
    "path, refused",
    [(["designated", "removed"], "designated"), (["removed"], "suspended"), ([], "suspended")],
)
def test_other_changes_are_refused_with_a_clear_error(applied, users, path, refused):
    with audit.audit_context(actor=users["city_reviewer"]):
        for state in path:
            services.change_state(applied, state, reason="x")
        applied.refresh_from_db()
        before = applied.state
        with pytest.raises(ValidationError, match="的机构不能变为"):
            services.change_state(applied, refused, reason="x")
    applied.refresh_from_db()
    assert applied.state == before


def test_a_change_needs_a_reason(applied, users):
    with (
        audit.audit_context(actor=users["city_reviewer"]),
        pytest.raises(ValidationError, match="请填写变更原因") as refused,
    ):
        services.change_state(applied, "designated", reason="  ")
    assert "reason" in refused.value.message_dict


def test_only_the_bureau_designates(applied, users):
    with (
        audit.audit_context(actor=users["institution"]),
        pytest.raises(PermissionDenied, match="只有人社部门可以认定、暂停或取消培训机构"),
    ):
        services.change_state(applied, "designated", reason="我们自己定")


def test_a_designation_needs_a_level_the_occupation_has(users):
    school = institution("商丘市鸿鹄职业技能培训学校")
    care = Occupation.objects.get(code="4-10-01-06")  # 家政服务员: levels 5 to 2
    with (
        audit.audit_context(actor=users["city_reviewer"]),
        pytest.raises(
            ValidationError, match="家政服务员 没有 一级/高级技师 这一评价等级"
        ) as refused,
    ):
        services.designate(
            school,
            care,
            SkillLevel.objects.get(code="1"),
            valid_from=date(2026, 1, 1),
            valid_to=date(2026, 12, 31),
        )
    assert "level" in refused.value.message_dict


def test_overlapping_designations_are_refused(users):
    school = institution("商丘市鸿鹄职业技能培训学校")
    existing = school.designations.first()
    with (
        audit.audit_context(actor=users["city_reviewer"]),
        pytest.raises(ValidationError, match="该定点与机构已有的定点期间重叠"),
    ):
        services.designate(
            school,
            existing.occupation,
            existing.level,
            valid_from=existing.valid_to,
            valid_to=date(2099, 1, 1),
        )


def test_a_suspended_institution_cannot_be_designated_for_more(users):
    school = institution("梁园区启航职业培训学校")
    with audit.audit_context(actor=users["county_reviewer"]):
        services.change_state(school, "suspended", reason="年检不合格")
        with pytest.raises(ValidationError, match="状态为“已暂停”的机构不能新增定点"):
            services.designate(
                school,
                Occupation.objects.get(code=WELDER),
                SkillLevel.objects.get(code=FOUR),
                valid_from=date(2026, 1, 1),
                valid_to=date(2026, 12, 31),
            )


def test_data_scope_in_pages_and_api(login):
    liangyuan = institution("梁园区启航职业培训学校")
    yongcheng = institution("永城市技工学校")
    client = login("county_reviewer")
    assert client.get(f"/institutions/{liangyuan.pk}/").status_code == 200
    assert client.get(f"/institutions/{yongcheng.pk}/").status_code == 404
    own = login("institution")  # staff of 商丘市鸿鹄职业技能培训学校
    assert own.get(f"/institutions/{liangyuan.pk}/").status_code == 404
    assert own.get(f"/api/v1/institutions/{liangyuan.pk}/").status_code == 404
    mine = institution("商丘市鸿鹄职业技能培训学校")
    page = own.get(f"/institutions/{mine.pk}/").content.decode()
    assert 'name="reason"' not in page  # the institution sees its designation, cannot change it
    listed = {row["id"] for row in own.get("/api/v1/institutions/").json()["results"]}
    assert listed == {mine.pk}


def test_reviewer_page_actions_and_refusals_are_messages(login):
    school = institution("梁园区启航职业培训学校")
    client = login("county_reviewer")
    response = client.post(
        f"/institutions/{school.pk}/state/", {"state": "applied", "reason": "x"}, follow=True
    )
    assert "不能变为" in response.content.decode() or "cannot become" in response.content.decode()
    school.refresh_from_db()
    assert school.state == InstitutionState.DESIGNATED


def test_public_directory_lists_designated_and_drops_removed(client, users):
    body = client.get("/directory/").content.decode()  # no login
    assert "商丘市鸿鹄职业技能培训学校" in body and "焊工" in body
    assert "民权县巧手家政职业培训学校" not in body  # only applied
    school = institution("商丘市鸿鹄职业技能培训学校")
    with audit.audit_context(actor=users["city_reviewer"]):
        services.change_state(school, "removed", reason="退出")
    assert "商丘市鸿鹄职业技能培训学校" not in client.get("/directory/").content.decode()
    by_region = client.get("/directory/?region=411481").content.decode()
    assert "永城市技工学校" in by_region and "梁园区启航" not in by_region
