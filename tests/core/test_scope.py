"""The data scope per role, in pages and in the API: a role × object matrix; 404 outside scope."""

import pytest

from jineng.core import audit, services
from jineng.core.models import Organisation
from jineng.core.roles import OrgKind
from jineng.core.scope import scope_of

ALL_ORGS = [
    "province",
    "city",
    "liangyuan",
    "yongcheng",
    "union",
    "finance_dept",
    "inst_city",
    "inst_liangyuan",
    "inst_yongcheng",
    "eval_city",
    "eval_yongcheng",
]
CITY_SUBTREE = [name for name in ALL_ORGS if name != "province"]

# Which demo organisations each demo user may see. Everything else must answer 404.
ORG_VISIBILITY = {
    "admin": ALL_ORGS,
    "secadmin": ALL_ORGS,
    "auditadmin": ALL_ORGS,
    "city_reviewer": CITY_SUBTREE,
    "county_reviewer": ["liangyuan", "inst_liangyuan"],
    "finance": CITY_SUBTREE,  # its department's bureau: the city and below
    "department": ["union"],
    "institution": ["inst_city"],
    "evaluator": ["eval_city"],
    "worker": [],
}


@pytest.mark.parametrize("username", sorted(ORG_VISIBILITY))
@pytest.mark.parametrize("target", ALL_ORGS)
def test_organisation_page_and_api_follow_scope(username, target, login, orgs):
    client = login(username)
    org = orgs[target]
    expected = 200 if target in ORG_VISIBILITY[username] else 404
    page = client.get(f"/organisations/{org.pk}/")
    api = client.get(f"/api/v1/organisations/{org.pk}/")
    assert (page.status_code, api.status_code) == (expected, expected)
    if expected == 200:
        assert org.name in page.content.decode()
        assert api.json()["code"] == org.code


@pytest.mark.parametrize("username", sorted(ORG_VISIBILITY))
def test_organisation_list_shows_exactly_the_scope(username, login, orgs, users):
    client = login(username)
    response = client.get("/api/v1/organisations/?limit=500")
    if not ORG_VISIBILITY[username]:
        assert response.status_code == 403
        assert client.get("/organisations/").status_code == 403
        return
    listed = {row["code"] for row in response.json()["results"]}
    visible = {orgs[name].code for name in ORG_VISIBILITY[username]}
    hidden = {orgs[name].code for name in ALL_ORGS} - visible
    assert visible <= listed
    assert not hidden & listed
    # Every listed organisation is inside the user's subtrees.
    scope = scope_of(users[username])
    if not scope.everything:
        paths = Organisation.objects.filter(code__in=listed).values_list("path", flat=True)
        assert all(any(p.startswith(prefix) for prefix in scope.org_prefixes) for p in paths)
    page = client.get("/organisations/?q=" + orgs[ORG_VISIBILITY[username][0]].name)
    assert orgs[ORG_VISIBILITY[username][0]].name in page.content.decode()


def test_county_reviewer_sees_a_new_institution_of_the_county_but_not_of_another(login, orgs):
    with audit.system_context("test"):
        inside = services.create_organisation(
            kind=OrgKind.INSTITUTION,
            name="梁园区新设培训学校",
            code="52411400MJ0009002F",
            parent=orgs["liangyuan"],
        )
        outside = services.create_organisation(
            kind=OrgKind.INSTITUTION,
            name="睢阳区新设培训学校",
            code="52411400MJ0009003J",
            parent=orgs["city"],
        )
    client = login("county_reviewer")
    assert client.get(f"/organisations/{inside.pk}/").status_code == 200
    assert client.get(f"/organisations/{outside.pk}/").status_code == 404
    assert client.get(f"/api/v1/organisations/{outside.pk}/").status_code == 404


# Users: reviewers and finance see users of their region; admin all; others nothing.
ALL_USERS = {
    "admin",
    "secadmin",
    "auditadmin",
    "city_reviewer",
    "county_reviewer",
    "finance",
    "department",
    "institution",
    "evaluator",
    "worker",
}
USER_VISIBILITY = {
    "secadmin": ALL_USERS,
    "auditadmin": ALL_USERS,
    "admin": ALL_USERS,
    "city_reviewer": {
        "city_reviewer",
        "county_reviewer",
        "finance",
        "department",
        "institution",
        "evaluator",
        "worker",
    },
    "county_reviewer": {"county_reviewer", "worker"},
    "finance": {
        "city_reviewer",
        "county_reviewer",
        "finance",
        "department",
        "institution",
        "evaluator",
        "worker",
    },
    "department": set(),
    "institution": set(),
    "evaluator": set(),
    "worker": set(),
}


@pytest.mark.parametrize("username", sorted(USER_VISIBILITY))
def test_user_records_follow_scope(username, login, users):
    client = login(username)
    for other in users.values():
        expected = 200 if other.username in USER_VISIBILITY[username] else 404
        assert client.get(f"/users/{other.pk}/").status_code == expected, other.username
        assert client.get(f"/api/v1/users/{other.pk}/").status_code == expected, other.username


def test_worker_sees_only_their_own_record(login, users):
    client = login("worker")
    me = client.get("/api/v1/me/").json()
    assert me["username"] == "worker"
    assert me["roles"] == ["worker"]
    # Only what concerns their own records (their certificates, their vouchers, signing up for
    # training themselves); which rows, the data scope decides (the worker's own).
    own = {"certificates.view", "certificates.download", "vouchers.claim", "offers.apply"}
    assert set(me["capabilities"]) == own


AUDIT_VIEWERS = {"auditadmin", "finance"}


@pytest.mark.parametrize("username", sorted(ORG_VISIBILITY))
def test_audit_entries_follow_scope(username, login, orgs):
    with audit.system_context("test"):
        province_entry = audit.record("update", orgs["province"], message="province change")
        county_entry = audit.record("update", orgs["yongcheng"], message="county change")
    client = login(username)
    for entry, inside_city in ((province_entry, False), (county_entry, True)):
        visible = username == "auditadmin" or (username == "finance" and inside_city)
        expected = 200 if visible else 404
        assert client.get(f"/audit/{entry.pk}/").status_code == expected
        assert client.get(f"/api/v1/audit-entries/{entry.pk}/").status_code == expected
    listing = client.get("/api/v1/audit-entries/?limit=500")
    assert listing.status_code == (200 if username in AUDIT_VIEWERS else 403)


def test_every_scoped_model_declares_its_scope():
    from django.apps import apps

    own = [m for m in apps.get_models() if m.__module__.startswith("jineng.")]
    undeclared = [
        m.__name__
        for m in own
        if not hasattr(m, "scope") and m.__name__ not in {"UserRole", "LoginFailure"}
    ]
    assert undeclared == []


def test_inactive_user_sees_nothing(users):
    user = users["city_reviewer"]
    user.is_active = False
    scope = scope_of(user)
    assert not scope.everything and scope.org_prefixes == frozenset() and scope.owner_id is None


def test_every_model_with_path_copies_keeps_them_on_save():
    """A ScopeSpec's path_copies are columns of the model, filled by core.scope.PathCopies
    (its first base, so its save() runs) and rewritten by move_organisation."""
    from django.apps import apps

    from jineng.core.scope import PathCopies, ScopeSpec

    copying = [
        m for m in apps.get_models() if isinstance(getattr(m, "scope", None), ScopeSpec)
        and m.scope.path_copies
    ]  # fmt: skip
    assert copying  # the certificates
    for model in copying:
        assert model.__mro__[1] is PathCopies, model.__name__
        for column, _lookup in model.scope.path_copies:
            assert model._meta.get_field(column).max_length >= 255, (model.__name__, column)
