"""Demo data (002 附件1 and 附件2), its idempotence, the organisation tree and `jineng` commands."""

import logging

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import uscc

from jineng.core import audit, demo, services
from jineng.core.models import AuditEntry, Organisation, User
from jineng.core.roles import OrgKind, Role
from tests.live import jineng, prepared_environment

pytestmark = pytest.mark.django_db


def test_shangqiu_has_the_ten_county_units_of_002_annex_1(orgs):
    """002 附件1 lists ten county-level units under Shangqiu (411400)."""
    counties = Organisation.objects.filter(parent=orgs["city"], kind=OrgKind.BUREAU)
    assert counties.count() == 10
    assert {
        "411402",
        "411403",
        "411421",
        "411422",
        "411423",
        "411424",
        "411425",
        "411426",
        "411481",
        "411499",
    } == set(counties.values_list("code", flat=True))


def test_shangqiu_has_the_28_departments_of_002_annex_2(orgs):
    """002 附件2 lists 28 city-level units with training targets."""
    departments = Organisation.objects.filter(parent=orgs["city"], kind=OrgKind.DEPARTMENT)
    assert departments.count() == 28
    names = set(departments.values_list("name", flat=True))
    assert {"商丘市总工会", "商丘市应急局", "共青团商丘市委", "商丘市残联"} <= names


def test_institution_codes_are_valid_uscc():
    kinds = (OrgKind.INSTITUTION, OrgKind.EVALUATION_ORG)
    for org in Organisation.objects.filter(kind__in=kinds):
        assert uscc.is_valid(org.code), org.code


def test_one_user_per_role():
    roles = set(User.objects.values_list("roles__role", flat=True))
    assert roles == set(Role.values)


def test_loading_the_demo_again_changes_nothing():
    counts = (Organisation.objects.count(), User.objects.count(), AuditEntry.objects.count())
    with audit.system_context("test"):
        report = demo.load_organisations_and_users()
    assert (report.created_orgs, report.created_users) == (0, 0)
    after = (Organisation.objects.count(), User.objects.count(), AuditEntry.objects.count())
    assert after == counts


def test_paths_form_a_tree(orgs):
    for org in Organisation.objects.exclude(parent=None).select_related("parent"):
        assert org.path.startswith(org.parent.path)
        assert org.depth == org.parent.depth + 1
    assert orgs["liangyuan"].nearest_bureau() == orgs["liangyuan"]
    assert orgs["finance_dept"].nearest_bureau() == orgs["city"]


def test_moving_a_subtree_rewrites_every_path(orgs):
    inst = orgs["inst_liangyuan"]
    with audit.system_context("test"):
        services.move_organisation(orgs["liangyuan"], orgs["province"])
    inst.refresh_from_db()
    assert inst.path.startswith(orgs["province"].path)
    assert inst.depth == 2
    with (
        audit.system_context("test"),
        pytest.raises(ValidationError, match="机构不能移动到其自身的下级"),
    ):
        services.move_organisation(orgs["city"], orgs["yongcheng"])


def test_a_role_must_fit_its_organisation(orgs):
    with (
        audit.system_context("test"),
        pytest.raises(ValidationError, match="不适用于“培训机构”类机构"),
    ):
        services.create_user(
            username="wrong",
            password="Xk9#pLm2qR",
            organisation=orgs["inst_city"],
            roles=[Role.REVIEWER],
        )
    assert not User.objects.filter(username="wrong").exists()


def test_personal_data_is_masked_in_logs(caplog):
    logger = logging.getLogger("jineng.test")
    from jineng.core.logging import PersonalDataFilter

    record = logger.makeRecord(
        "jineng.test",
        logging.INFO,
        __file__,
        1,
        "person %s phone %s",
        ("41140219900307123X", "13812345678"),
        None,
    )
    PersonalDataFilter().filter(record)
    assert record.getMessage() == "person 4114**********123X phone 138****5678"


def test_createuser_command(tmp_path):
    """`jineng createuser` through the real command line, on a database of its own."""
    make_bureau = (
        "from jineng.core import services, audit\n"
        "with audit.system_context('test'):\n"
        "    services.create_organisation(kind='bureau', name='商丘', code='411400', parent=None)"
    )
    with prepared_environment(tmp_path, "migrated") as env:
        env["JINENG_NEW_PASSWORD"] = "Xk9#pLm2qR"
        jineng(env, "shell", "-c", make_bureau)
        ok = jineng(env, "createuser", "li", "--org", "411400", "--role", "reviewer", check=False)
        assert ok.returncode == 0, ok.stderr
        env["JINENG_NEW_PASSWORD"] = "password"
        weak = jineng(
            env, "createuser", "wang", "--org", "411400", "--role", "reviewer", check=False
        )
        assert weak.returncode == 1 and "Traceback" not in weak.stderr
        missing = jineng(
            env, "createuser", "zhao", "--org", "999999", "--role", "reviewer", check=False
        )
        assert missing.returncode == 1 and "999999" in missing.stderr


def test_an_institution_needs_a_valid_credit_code(orgs):
    with (
        audit.system_context("test"),
        pytest.raises(ValidationError, match="不是有效的统一社会信用代码"),
    ):
        services.create_organisation(
            kind=OrgKind.INSTITUTION,
            name="无码学校",
            code="52411400MJ0000000X",
            parent=orgs["city"],
        )
