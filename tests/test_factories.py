"""The factories build valid rows through the services, each one new."""

from jineng.institutions.models import InstitutionState
from jineng.people import services as people
from tests.factories import (
    ApplicantAgreementFactory,
    InstitutionFactory,
    PersonFactory,
    UserFactory,
)


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


def test_an_applicants_agreement_is_recorded_for_an_accepted_booking(db):
    """004 §四(五): 由考核评价机构与补贴申请人签订免费技能评价协议书 — the factory records one
    through the service, by the evaluation centre, for the booking's first trainee."""
    agreement = ApplicantAgreementFactory()
    first = agreement.enrollment
    assert agreement.evaluation_org.organisation.name == "商丘市职业技能等级认定评价中心"
    assert first.training_class.evaluation_bookings.get().evaluation_org == agreement.evaluation_org
    assert agreement.recorded_by.username == "evaluator" and agreement.signatory
