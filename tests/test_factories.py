"""The factories build valid rows through the services, each one new."""

from jineng.institutions.models import InstitutionState
from jineng.people import services as people
from tests.factories import InstitutionFactory, PersonFactory, UserFactory


def test_people_are_registered_with_their_bureau_and_categories(db):
    first, second = PersonFactory(), PersonFactory(bureau="411481", categories=["rural_migrant"])
    assert first.organisation.code == "411402" and second.organisation.code == "411481"
    assert people.decrypt_id_number(second).startswith("411481")
    assert people.decrypt_id_number(first) != people.decrypt_id_number(second)
    assert [c.category.code for c in second.categories.all()] == ["rural_migrant"]
    assert first.ledger.filter(kind="registered").exists()


def test_users_and_institutions_are_made_through_the_services(db):
    user = UserFactory()
    assert user.check_password("Jineng@2026") and user.organisation.code == "411400"
    institution = InstitutionFactory(designations=[("6-18-02-04", "5"), ("6-18-02-04", "4")])
    assert institution.state == InstitutionState.DESIGNATED
    assert institution.designations.count() == 2
    assert institution.organisation.parent.code == "411400"
