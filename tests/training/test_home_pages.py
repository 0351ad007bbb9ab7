"""Each role's home page lists what the role acts on or looks after, nothing else (issue 14);
a department's home lists the classes it organises or funds (004 §五(一)). Here, beside
make_class, since the department's card is training's."""

import re

import pytest
from django.core.exceptions import ValidationError

from jineng.core.roles import OrgKind, Role
from jineng.core.services import create_organisation
from jineng.training import services
from tests.factories import OrganisationFactory, UserFactory, credit_code

pytestmark = pytest.mark.django_db

ORG_CARD = "您管辖范围内的机构"


def home(login, username: str) -> str:
    response = login(username).get("/")
    assert response.status_code == 200
    return response.content.decode()


def card(html: str, key: str) -> str:
    found = re.search(rf'<div class="card" id="{key}">(.*?)</div></div>', html, re.S)
    assert found, key
    return found.group(1)


@pytest.mark.parametrize("username", ["evaluator", "department", "institution", "finance"])
def test_organisations_of_the_region_are_not_on_the_home_of_who_does_not_supervise(login, username):
    page = home(login, username)
    assert ORG_CARD not in page and "浏览机构" not in page


@pytest.mark.parametrize("username", ["city_reviewer", "county_reviewer"])
def test_the_reviewer_home_counts_the_organisations_of_the_region(login, username):
    page = home(login, username)
    assert ORG_CARD in page and "浏览机构" in page


def test_the_admin_home_counts_every_organisation_and_the_audit_admins_shows_the_log(login):
    """Separated administrators (三权分立): the audit log is the audit administrator's."""
    page = home(login, "admin")
    assert "全部机构" in page and "最近的审计记录" not in page
    assert 'id="funded-classes"' not in page
    assert "最近的审计记录" in home(login, "auditadmin")


def fresh_user(kind: str, role: str, code: str) -> str:
    """A user of a new organisation of `kind`: nothing of the demo's (which the worker that
    loaded the whole demo holds) is in its scope."""
    organisation = OrganisationFactory(kind=kind, code=code)
    return UserFactory(organisation=organisation, roles=[role]).username


def test_a_role_with_work_and_nothing_waiting_is_told_so(login):
    evaluator = fresh_user(OrgKind.EVALUATION_ORG, Role.EVALUATION_STAFF, credit_code("411400", 7))
    page = home(login, evaluator)  # a new evaluation organisation: no booking
    assert 'id="todo-empty"' in page and "当前没有等待您处理的事项" in page


def test_the_worker_home_has_no_organisations_no_users_and_no_department_card(login):
    page = home(login, "worker")
    assert ORG_CARD not in page and "浏览用户" not in page and 'id="funded-classes"' not in page
    # The worker's own home (jineng.portal): their classes, certificates, subsidies, data.
    assert "我的培训班" in page and "我的数据" in page


def test_the_department_home_says_why_its_list_of_funded_classes_is_empty(login, make_class):
    """004 §五(一): a department's list of the training it funds; empty with the reason."""
    make_class()  # funded by nobody: not the department's
    department = fresh_user(OrgKind.DEPARTMENT, Role.DEPARTMENT_STAFF, "DEPT-411400-90")
    funded = card(home(login, department), "funded-classes")
    assert "暂无由本部门组织或出资的培训班" in funded
    assert "出资部门" in funded  # what would fill it


def test_the_department_home_lists_the_classes_it_funds_with_their_trainees(
    login, make_class, orgs, act
):
    """004 §五(一) 行业主管部门补贴性培训: the class funded by 市总工会 shows on its home with
    its trainee count; another department's class and an unfunded one do not."""
    ours = make_class(people=3, funding_department=orgs["union"])
    theirs = make_class(people=0, start=ours.end_date, funding_department=orgs["finance_dept"])
    funded = card(home(login, "department"), "funded-classes")
    assert ours.code in funded and theirs.code not in funded
    row = re.search(rf"<tr><td>{re.escape(ours.code)}.*?</tr>", funded, re.S).group(0)
    cells = re.findall(r"<td>(.*?)</td>", row)
    assert cells[-2:] == ["3", "0"]  # three trainees on the roster, none completed yet
    assert ORG_CARD not in home(login, "department")


def test_a_department_below_the_institutions_bureau_cannot_fund_its_class(make_class, act, orgs):
    """The choice is among the departments of the bureaus at or above the institution: a
    county's department does not fund a city institution's class (the service refuses)."""
    training_class = make_class(people=0)
    with act(None):
        county_department = create_organisation(
            kind=OrgKind.DEPARTMENT, name="梁园区总工会", code="DEPT-TEST-1",
            parent=orgs["liangyuan"], region_code="411402",
        )  # fmt: skip
    with act("institution"), pytest.raises(ValidationError, match="不能为本机构的培训班出资"):
        services.update_class(training_class, funding_department=county_department)
    training_class.refresh_from_db()
    assert training_class.funding_department is None
