"""The certificate's data scope reads the three organisation paths copied onto the row
(core.scope.PathCopies; docs/architecture.md, "Lists at a province's size"): a reader sees
exactly the certificates whose holder's bureau, issuing organisation or class's institution is
inside their subtree (the three joins the scope stood for), and the holder their own, also
after an organisation moves."""

import importlib
from functools import reduce
from operator import or_

import pytest
from django.db.models import Q

from jineng.certificates.models import Certificate, CertificateKind
from jineng.core import audit, writes
from jineng.core import services as core
from jineng.core.models import User
from jineng.core.scope import Scope, refresh_path_copies, scope_of, scoped
from jineng.people.models import Person
from tests.factories import PersonFactory, TrainingClassFactory, demo_institution

JOINED = dict(Certificate.scope.path_copies)  # column -> the lookup it copies


def joined_rows(scope: Scope) -> set[int]:
    """What the scope means, through the joins: any of the three paths inside a prefix."""
    rows = Certificate.objects.all()
    if scope.everything:
        return set(rows.values_list("id", flat=True))
    conditions = [
        Q(**{f"{lookup}__startswith": prefix})
        for lookup in JOINED.values()
        for prefix in scope.org_prefixes
    ]
    if scope.owner_id is not None:
        conditions.append(Q(person__user=scope.owner_id))
    if not conditions:
        return set()
    return set(rows.filter(reduce(or_, conditions)).values_list("id", flat=True))


def seen(user) -> set[int]:
    return set(scoped(user, Certificate.objects.all()).values_list("id", flat=True))


def under(org) -> set[int]:
    """The certificates a reader of `org`'s subtree sees through the copied columns."""
    return set(scoped_by(Scope(org_prefixes=frozenset({org.path}))).values_list("id", flat=True))


def scoped_by(scope: Scope):
    return Certificate.objects.filter(scope.q_for(Certificate.scope))


def assert_copies_true() -> None:
    for certificate in Certificate.objects.all():
        for column, lookup in JOINED.items():
            joined = Certificate.objects.filter(pk=certificate.pk).values_list(lookup, flat=True)
            assert getattr(certificate, column) == (joined[0] or ""), (certificate, column)


def fresh_users() -> list[User]:
    return list(User.objects.filter(is_active=True))  # scope_of caches on the user object


@pytest.fixture
def one_way_each(issue, station, act, orgs):
    """Three certificates, each inside 梁园区, 评价中心 or 鸿鹄 by one of its paths only."""
    yongcheng = PersonFactory.create_batch(2, bureau="411481")
    by_holder = issue(PersonFactory(bureau="411402"), kind=CertificateKind.SPECIAL_ABILITY,
                      level=None, occupation="4-03-02-03", org=station)  # fmt: skip
    by_issuer = issue(yongcheng[0], kind=CertificateKind.SPECIAL_ABILITY, level=None,
                      occupation="4-03-02-03")  # the centre issues  # fmt: skip
    training_class = TrainingClassFactory(people=1)  # of 鸿鹄
    by_class = issue(yongcheng[1], kind=CertificateKind.SPECIAL_ABILITY, level=None,
                     occupation="4-03-02-03", org=station,
                     training_class=training_class)  # fmt: skip
    return by_holder, by_issuer, by_class


def test_the_copies_are_the_joined_paths(one_way_each, orgs):
    by_holder, by_issuer, by_class = one_way_each
    assert by_holder.holder_org_path == orgs["liangyuan"].path
    assert by_issuer.issuer_org_path == orgs["eval_city"].path
    assert by_class.class_org_path == demo_institution().organisation.path
    assert by_holder.class_org_path == ""  # no class: an empty copy, inside no subtree
    assert_copies_true()


def test_each_path_alone_makes_a_certificate_visible(one_way_each, orgs, users):
    by_holder, by_issuer, by_class = one_way_each
    assert {by_holder.pk, by_issuer.pk, by_class.pk} <= seen(users["city_reviewer"])
    county = seen(users["county_reviewer"])
    assert by_holder.pk in county and not {by_issuer.pk, by_class.pk} & county
    assert by_issuer.pk in under(orgs["eval_city"])
    assert by_class.pk in under(demo_institution().organisation)
    assert by_holder.pk not in under(orgs["eval_city"]) | under(demo_institution().organisation)


@pytest.mark.usefixtures("one_way_each", "worker_certificates")
def test_every_user_sees_what_the_joins_reach():
    for user in fresh_users():
        assert seen(user) == joined_rows(scope_of(user)), user.username
    worker = User.objects.get(username="worker")
    assert seen(worker) == set(
        Certificate.objects.filter(person__user=worker).values_list("id", flat=True)
    )


def test_moved_organisations_take_their_certificates_along(one_way_each, orgs, act):
    """core.services.move_organisation rewrites the copies with the paths: the centre and 鸿鹄
    hung under 梁园区 bring their certificates into its reviewer's sight, and 梁园区 hung under
    永城 brings its holders' certificates into 永城's."""
    by_holder, by_issuer, by_class = one_way_each
    with audit.system_context("test: move"):
        core.move_organisation(orgs["eval_city"], orgs["liangyuan"])
        core.move_organisation(demo_institution().organisation, orgs["liangyuan"])
    county = seen(User.objects.get(username="county_reviewer"))
    assert {by_holder.pk, by_issuer.pk, by_class.pk} <= county
    with audit.system_context("test: move"):
        core.move_organisation(orgs["liangyuan"], orgs["yongcheng"])
    orgs["yongcheng"].refresh_from_db()
    assert {by_holder.pk, by_issuer.pk, by_class.pk} <= under(orgs["yongcheng"])
    assert_copies_true()
    for user in fresh_users():
        assert seen(user) == joined_rows(scope_of(user)), user.username


def test_saving_the_relations_it_is_reached_through_renews_the_copies(one_way_each):
    by_holder, _by_issuer, by_class = one_way_each
    by_holder.person = Person.objects.get(pk=by_class.person_id)  # a 永城 holder
    by_holder.save(update_fields=["person"])
    by_holder.refresh_from_db()
    assert by_holder.holder_org_path == by_class.holder_org_path
    by_class.training_class = None
    by_class.save()
    by_class.refresh_from_db()
    assert by_class.class_org_path == ""
    assert_copies_true()


def test_the_migration_fills_existing_certificates(one_way_each):
    """certificates 0004 fills the copies of the certificates there were, from the joins."""
    migration = importlib.import_module("jineng.certificates.migrations.0004_scope_path_copies")
    assert dict(migration.PATH_COPIES) == JOINED
    Certificate.objects.update(holder_org_path="", issuer_org_path="", class_org_path="")
    refresh_path_copies(Certificate.objects.all(), migration.PATH_COPIES)
    assert Certificate.objects.exclude(holder_org_path="").exists()
    assert_copies_true()


def test_a_bulk_write_fills_the_copies_as_a_save_does(one_way_each):
    """core.writes.create_many inserts in bulk, which skips PathCopies.save: it fills them."""
    _by_holder, _by_issuer, by_class = one_way_each
    clone = Certificate.objects.get(pk=by_class.pk)
    clone.pk, clone._state.adding = None, True
    clone.number = f"{by_class.number}B"
    clone.holder_org_path = clone.issuer_org_path = clone.class_org_path = ""
    with audit.system_context("test: bulk"):
        writes.create_many([clone], validate=False)
    clone.refresh_from_db()
    assert clone.class_org_path == by_class.class_org_path != ""
    assert clone.holder_org_path == by_class.holder_org_path
    assert_copies_true()
