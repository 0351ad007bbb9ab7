"""Training vouchers through their services (电子培训券, 002 §四(五)3, 003 §三10): the state
machine issued → claimed → redeemed → settled, or expired / voided, with every allowed and every
refused change; 实名制、不得转让 (a voucher of person A refused for person B); 以证换券、无证无价
(no settlement without a valid certificate, a revoked one settles nothing, a second settlement is
refused); the engine deciding who gets one; expiry (service, command, task); rules with their
preview; the scope; the ledger and the audit log."""

import json
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils.translation import gettext as _

from jineng.catalog.models import DecisionRecord, PersonCategory, SkillLevel
from jineng.certificates.models import CertificateStatus
from jineng.core.models import AuditEntry, Organisation, StateChange
from jineng.core.scope import scoped
from jineng.people import services as people
from jineng.people.models import LedgerEvent, Person
from jineng.training.models import Enrollment, EnrollmentState
from jineng.vouchers import services, tasks
from jineng.vouchers.models import (
    TRANSITIONS,
    Voucher,
    VoucherRule,
    VoucherState,
)
from tests.factories import TrainingClassFactory
from tests.vouchers.conftest import CARER, ELECTRICIAN, TODAY, WELDER, occupations

# The test marked full_demo tests the demo's vouchers (tests/conftest.py); the others build theirs.
pytestmark = pytest.mark.django_db
S = VoucherState
# The changes a service can ask for (nothing ever goes back to "issued").
TARGETS = [S.CLAIMED, S.REDEEMED, S.SETTLED, S.EXPIRED, S.VOIDED]
PAIRS = [(a, b) for a in S for b in TARGETS]


def messages(problem: pytest.ExceptionInfo) -> str:
    return "; ".join(problem.value.messages)


@pytest.fixture
def reach(holder, issue, claim, make_class, enrol, certificate, act):
    """reach(state): a voucher of a fresh holder in that state, through the services, with what
    every next step needs: (voucher, a class enrolment of the holder, a valid certificate)."""

    def make(state: str):
        person = holder(0)
        voucher = issue(person)
        training_class = make_class()
        cert = certificate(person)
        if state in {S.CLAIMED, S.REDEEMED, S.SETTLED}:
            claim(voucher)
        if state in {S.REDEEMED, S.SETTLED}:
            enrollment = enrol(training_class, person, voucher)
        else:
            enrollment = enrol(training_class, person)
        if state == S.SETTLED:
            with act("city_reviewer"):
                services.settle(voucher, cert)
        if state == S.EXPIRED:
            with act(None):
                services.expire(voucher, today=voucher.valid_until + timedelta(days=1))
        if state == S.VOIDED:
            with act("city_reviewer"):
                services.void(voucher, "测试作废")
        voucher.refresh_from_db()
        assert voucher.state == state
        return voucher, enrollment, cert

    return make


def attempt(to_state, voucher, enrollment, cert, act):
    if to_state == S.CLAIMED:
        with act(voucher.person.user):
            return services.claim(voucher, voucher.person.user)
    if to_state == S.REDEEMED:
        with act("institution"):
            return services.redeem(voucher, enrollment)
    if to_state == S.SETTLED:
        with act("city_reviewer"):
            return services.settle(voucher, cert)
    if to_state == S.EXPIRED:
        with act(None):
            return services.expire(voucher, today=voucher.valid_until + timedelta(days=1))
    with act("city_reviewer"):
        return services.void(voucher, "测试作废")


@pytest.mark.parametrize(("from_state", "to_state"), PAIRS)
def test_each_change_of_state_is_allowed_exactly_when_transitions_lists_it(
    from_state, to_state, reach, act
):
    """The state machine is written once (models.TRANSITIONS); every service follows it and
    refuses anything else with a message naming both states."""
    voucher, enrollment, cert = reach(from_state)
    changes = StateChange.objects.filter(voucher=voucher).count()
    if to_state in TRANSITIONS[from_state]:
        attempt(to_state, voucher, enrollment, cert, act)
        voucher.refresh_from_db()
        assert voucher.state == to_state
        last = StateChange.objects.filter(voucher=voucher).latest("id")
        assert (last.from_state, last.to_state) == (from_state, to_state)
        return
    with pytest.raises(ValidationError) as refused:
        attempt(to_state, voucher, enrollment, cert, act)
    voucher.refresh_from_db()
    assert voucher.state == from_state
    assert StateChange.objects.filter(voucher=voucher).count() == changes
    if from_state == S.SETTLED and to_state == S.SETTLED:
        assert "only once" in messages(refused) or "只能兑现一次" in messages(refused)
    elif from_state == S.ISSUED and to_state == S.REDEEMED:
        assert messages(refused) == _(
            "Voucher %(number)s has not been claimed by its holder yet."
        ) % {"number": voucher.number}
    else:
        assert messages(refused) == _(
            "Voucher %(subject)s is “%(from)s”: it cannot become “%(to)s”."
        ) % {"subject": voucher.number, "from": from_state.label, "to": to_state.label}


def test_the_whole_loop_issue_claim_redeem_settle(holder, issue, claim, make_class, enrol,
                                                   certificate, act):  # fmt: skip
    """发券—培训—评价—持证—兑现 (002 §四(五)3), each step on the holder's ledger, with its
    history row and audit entries."""
    person = holder(0)
    voucher = issue(person, WELDER, level=SkillLevel.objects.get(code="5"))
    assert voucher.state == S.ISSUED and voucher.number.startswith(f"JQ{TODAY.year}411400")
    assert voucher.valid_until == TODAY + timedelta(days=179)  # the Shangqiu pack: 180 days
    assert voucher.value == Decimal("1200.00")  # the demo standard of 焊工 五级 in 商丘
    assert voucher.decision.outcome == "granted"
    claim(voucher)
    training_class = make_class()
    enrollment = enrol(training_class, person, voucher)
    voucher.refresh_from_db()
    assert (voucher.state, voucher.enrollment) == (S.REDEEMED, enrollment)
    cert = certificate(person)
    with act("city_reviewer"):
        services.settle(voucher)  # finds the holder's certificate itself
    voucher.refresh_from_db()
    assert (voucher.state, voucher.certificate, voucher.settled_amount) == (
        S.SETTLED,
        cert,
        Decimal("1200.00"),
    )
    history = list(voucher.changes.values_list("from_state", "to_state"))
    assert history == [("", S.ISSUED), (S.ISSUED, S.CLAIMED), (S.CLAIMED, S.REDEEMED),
                       (S.REDEEMED, S.SETTLED)]  # fmt: skip
    events = LedgerEvent.objects.filter(person=person, kind="voucher").order_by("id")
    assert events.count() == 4
    assert all(event.object_id == str(voucher.pk) for event in events)
    assert events.first().decision_id == voucher.decision_id
    assert [event.detail["to"] for event in events] == [S.ISSUED, S.CLAIMED, S.REDEEMED, S.SETTLED]
    audited = AuditEntry.objects.filter(object_type="vouchers.voucher", object_id=str(voucher.pk))
    assert audited.filter(action="create").count() == 1
    assert audited.filter(action="update").count() >= 5
    assert all(entry.org_path for entry in audited)


def test_a_second_settlement_is_refused(reach, certificate, act):
    """A voucher is settled once (无证无价 the other way round: one certificate, one payment)."""
    voucher, _enrollment, cert = reach(S.SETTLED)
    other = certificate(voucher.person, issued_on=TODAY - timedelta(days=1))
    with act("city_reviewer"), pytest.raises(ValidationError) as refused:
        services.settle(voucher, other)
    assert voucher.number in messages(refused) and cert.number in messages(refused)
    voucher.refresh_from_db()
    assert voucher.certificate == cert
    assert voucher.changes.filter(to_state=S.SETTLED).count() == 1


def test_a_voucher_of_person_a_is_refused_for_person_b(holder, issue, claim, make_class, enrol,
                                                       act):  # fmt: skip
    """实名制、不得转让 (002 §四(五)3): B cannot enrol with A's voucher, at enrolment or after."""
    a, b = holder(0), holder(1)
    voucher = issue(a)
    claim(voucher)
    training_class = make_class()
    with pytest.raises(ValidationError) as refused:
        enrol(training_class, b, voucher)
    assert messages(refused) == _(
        "Voucher %(number)s belongs to another person (%(holder)s) and is refused for "
        "%(person)s: a voucher is real-name and not transferable."
    ) % {"number": voucher.number, "holder": a.id_number_masked,
         "person": f"{b.name} ({b.id_number_masked})"}  # fmt: skip
    assert not Enrollment.objects.filter(training_class=training_class, person=b).exists()
    enrollment = enrol(training_class, b)  # without the voucher B may enrol
    with act("institution"), pytest.raises(ValidationError, match="不得转让"):
        services.redeem(voucher, enrollment)
    voucher.refresh_from_db()
    assert voucher.state == S.CLAIMED and voucher.enrollment is None


def test_only_the_holder_claims_and_the_bureau_records_a_claim_at_the_counter(
    holder, issue, users, act
):
    a, b = holder(0), holder(1)
    voucher = issue(a)
    with act(b.user), pytest.raises(PermissionDenied, match="只能由持券人本人领取"):
        services.claim(voucher, b.user)
    with act("institution"), pytest.raises(PermissionDenied, match="只能由持券人本人领取"):
        services.claim(voucher, users["institution"])
    with act("city_reviewer"):
        services.claim(voucher, users["city_reviewer"])
    change = voucher.changes.get(to_state=S.CLAIMED)
    assert change.by == users["city_reviewer"] and change.reason


def test_settlement_needs_a_valid_certificate_for_the_occupation(redeemed, certificate, act):
    """以证换券、无证无价: no certificate, a revoked one, another occupation's, one from before
    the training, or one that settled another voucher: refused; a valid one: settled."""
    voucher, enrollment = redeemed(0)
    person = voucher.person
    with act("city_reviewer"), pytest.raises(ValidationError) as refused:
        services.settle(voucher)
    assert "以证换券、无证无价" in messages(refused)
    revoked = certificate(person, status=CertificateStatus.REVOKED)
    other_occupation = certificate(person, ELECTRICIAN)
    too_early = certificate(
        person, issued_on=enrollment.training_class.start_date - timedelta(days=1)
    )
    for cert in (revoked, other_occupation, too_early):
        with act("city_reviewer"), pytest.raises(ValidationError) as refused:
            services.settle(voucher, cert)
        assert cert.number in messages(refused)
    with act("city_reviewer"), pytest.raises(ValidationError, match="没有焊工的有效证书"):
        services.settle(voucher)  # none of them counts
    voucher.refresh_from_db()
    assert voucher.state == S.REDEEMED
    valid = certificate(person)
    with act("city_reviewer"):
        services.settle(voucher)
    voucher.refresh_from_db()
    assert voucher.state == S.SETTLED and voucher.certificate == valid


def test_a_revoked_certificate_does_not_settle(redeemed, certificate, act):
    voucher, _enrollment = redeemed(0)
    cert = certificate(voucher.person)
    cert.status = CertificateStatus.REVOKED
    cert.save()
    with act("city_reviewer"), pytest.raises(ValidationError) as refused:
        services.settle(voucher, cert)
    assert _("Certificate %(number)s is revoked: a revoked certificate settles nothing.") % {
        "number": cert.number
    } in messages(refused)


def test_one_certificate_settles_one_voucher(redeemed, issue, claim, make_class, enrol,
                                             certificate, act):  # fmt: skip
    """The same certificate used for two subsidies (多头、重复申领) is refused."""
    first, _enrollment = redeemed(0)
    person = first.person
    cert = certificate(person)
    with act("city_reviewer"):
        services.settle(first, cert)
    second = issue(person, WELDER)  # the first is settled: a new voucher for 焊工 may follow
    claim(second)
    enrol(make_class(WELDER, "4"), person, second)
    with act("city_reviewer"), pytest.raises(ValidationError) as refused:
        services.settle(second, cert)
    assert _("Certificate %(number)s has settled voucher %(other)s already.") % {
        "number": cert.number,
        "other": first.number,
    } in messages(refused)
    with act("city_reviewer"), pytest.raises(ValidationError, match="没有焊工的有效证书"):
        services.settle(second)  # nor is it found for it


def test_settlement_pays_no_more_than_the_standard_of_the_certificate(
    holder, issue, claim, make_class, enrol, certificate, act
):
    """A voucher without a level is worth the highest standard of its occupation (焊工 三级:
    1800 in the demo); settled against a 五级 certificate it pays that level's 1200."""
    person = holder(0)
    voucher = issue(person, WELDER)
    assert voucher.value == Decimal("1800.00")
    claim(voucher)
    enrol(make_class(), person, voucher)
    certificate(person, WELDER, "5")
    with act("city_reviewer"):
        services.settle(voucher)
    voucher.refresh_from_db()
    assert voucher.settled_amount == Decimal("1200.00")


def test_redemption_checks_the_occupation_the_level_and_the_validity(
    holder, issue, claim, make_class, enrol, act
):
    person = holder(0)
    voucher = issue(person, CARER)
    claim(voucher)
    with pytest.raises(ValidationError) as refused:
        enrol(make_class(WELDER), person, voucher)
    assert "焊工" in messages(refused)
    other = holder(1)
    by_level = issue(other, WELDER, level=SkillLevel.objects.get(code="4"))
    claim(by_level)
    with pytest.raises(ValidationError) as refused:
        enrol(make_class(WELDER, "5"), other, by_level)
    assert by_level.number in messages(refused)
    third = holder(2)
    short = issue(third, WELDER, valid_until=TODAY)
    claim(short)
    Voucher.objects.filter(pk=short.pk).update(valid_until=TODAY - timedelta(days=1),
                                               issued_on=TODAY - timedelta(days=1))  # fmt: skip
    short.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        enrol(make_class(), third, short)
    assert messages(refused) == _("Voucher %(number)s expired on %(date)s.") % {
        "number": short.number,
        "date": short.valid_until,
    }


def test_a_voucher_is_redeemed_once_and_an_enrolment_takes_one(
    redeemed, holder, issue, claim, make_class, enrol, act
):
    voucher, enrollment = redeemed(0)
    with act("institution"), pytest.raises(ValidationError, match="不能变为“已核验使用”"):
        services.redeem(voucher, enrol(make_class(WELDER, "4"), voucher.person))
    with act("city_reviewer"):
        services.void(voucher, "机构核查发现培训未实际开展")
    voucher.refresh_from_db()
    assert voucher.enrollment == enrollment  # where it was used stays on record
    second = issue(voucher.person, WELDER)
    claim(second)
    with act("institution"), pytest.raises(ValidationError) as refused:
        services.redeem(second, enrollment)
    assert messages(refused) == _("This enrolment already uses voucher %(number)s.") % {
        "number": voucher.number
    }


def test_a_completed_enrolment_takes_no_voucher(issue, users, act):
    """Redemption is at enrolment: a trainee who has completed a class uses no voucher for it."""
    completed = TrainingClassFactory(state="completed", people=1)
    done = completed.enrollments.select_related("person", "training_class__occupation").get()
    assert done.state == EnrollmentState.COMPLETED
    with act(None):
        people.add_category(done.person, "rural_migrant", valid_from=TODAY - timedelta(days=500))
    voucher = issue(done.person, done.training_class.occupation.code)
    with act("city_reviewer"):
        services.claim(voucher, users["city_reviewer"])
    with act("institution"), pytest.raises(ValidationError) as refused:
        services.redeem(voucher, done)
    assert messages(refused) == _(
        "This trainee is “%(state)s”: only an enrolment takes a voucher."
    ) % {"state": EnrollmentState.COMPLETED.label}


def test_the_engine_decides_who_gets_a_voucher(free_people, issue, act):
    """002 §四(五)3: vouchers go to 符合补贴条件的劳动者 — the pack's eligible categories. A person
    without one is refused with the engine's reasons, and nothing is stored."""
    person = next(p for p in free_people if not p.categories.exists())
    before = Voucher.objects.count(), DecisionRecord.objects.count()
    with pytest.raises(ValidationError) as refused:
        issue(person)
    assert person.name in messages(refused) and "不属于职业培训补贴对象" in messages(refused)
    assert (Voucher.objects.count(), DecisionRecord.objects.count()) == before


def test_a_person_holds_one_active_voucher_for_an_occupation(holder, issue, act):
    person = holder(0)
    first = issue(person, WELDER, CARER)
    with pytest.raises(ValidationError) as refused:
        issue(person, WELDER)
    assert first.number in messages(refused)
    with act("city_reviewer"):
        services.void(first, "重新发放")
    issue(person, WELDER)  # a void voucher no longer counts


def test_validity_and_value(holder, issue):
    person = holder(0)
    with pytest.raises(ValidationError) as refused:
        issue(person, valid_until=TODAY + timedelta(days=400))
    assert "valid_until" in refused.value.message_dict
    shorter = issue(person, valid_until=TODAY + timedelta(days=30), value=Decimal("500"))
    assert (shorter.valid_until, shorter.value) == (TODAY + timedelta(days=30), Decimal("500"))
    other = holder(1)
    unknown = occupations("4-12-01-01")  # 汽车维修工: no demo standard in 商丘
    with pytest.raises(ValidationError) as refused:
        issue(other, "4-12-01-01")
    assert "value" in refused.value.message_dict and unknown


def test_numbers_are_unique_per_bureau_and_year(holder, issue):
    numbers = [issue(holder(n)).number for n in range(3)]
    serials = [int(number[-6:]) for number in numbers]
    assert len(set(numbers)) == 3 and serials == sorted(serials)
    assert serials[1] == serials[0] + 1


def test_only_the_bureau_issues_voids_and_settles(holder, issue, redeemed, act):
    person = holder(0)
    for who in ("institution", "worker", "department"):
        with pytest.raises(PermissionDenied, match="只有人社部门可以发放培训券"):
            issue(person, by=who)
    with pytest.raises(PermissionDenied, match="只有人社部门可以发放培训券"):
        issue(person, by="finance")  # read-only
    voucher, _enrollment = redeemed(1)
    with act("institution"), pytest.raises(PermissionDenied, match="只有人社部门可以作废培训券"):
        services.void(voucher, "机构无权作废")
    with act("institution"), pytest.raises(PermissionDenied, match="只有人社部门可以兑现培训券"):
        services.settle(voucher)
    with (
        act("city_reviewer"),
        pytest.raises(ValidationError, match="请填写作废培训券的原因") as refused,
    ):
        services.void(voucher, "   ")  # a reason is needed
    assert "reason" in refused.value.message_dict


def test_a_county_reviewer_issues_only_in_the_county(holder, issue):
    person = holder(0)  # of 虞城县, 夏邑县 or 永城市, not 梁园区
    with pytest.raises(PermissionDenied, match="该人员不在您的管辖区域内"):
        issue(person, by="county_reviewer")


# --- expiry ------------------------------------------------------------------------------------


def test_expire_due_expires_issued_and_claimed_vouchers_past_validity_only(
    holder, issue, claim, redeemed, act
):
    old = issue(holder(0), on=TODAY - timedelta(days=200))
    claimed_old = issue(holder(1), on=TODAY - timedelta(days=185))
    Voucher.objects.filter(pk=claimed_old.pk).update(state=S.CLAIMED)  # claimed back then
    fresh = issue(holder(2))
    used, _enrollment = redeemed(3)
    Voucher.objects.filter(pk=used.pk).update(valid_until=used.issued_on)
    with act(None):
        count = services.expire_due(TODAY + timedelta(days=1))
    assert count >= 2
    states = dict(Voucher.objects.filter(
        pk__in=[old.pk, claimed_old.pk, fresh.pk, used.pk]).values_list("pk", "state"))  # fmt: skip
    assert states == {old.pk: S.EXPIRED, claimed_old.pk: S.EXPIRED, fresh.pk: S.ISSUED,
                      used.pk: S.REDEEMED}  # fmt: skip
    event = LedgerEvent.objects.filter(person=old.person, kind="voucher").latest("id")
    assert event.detail["to"] == S.EXPIRED
    with act(None):
        assert services.expire_due(TODAY + timedelta(days=1)) == 0  # once


def test_the_expiry_command_and_task(holder, issue):
    old = issue(holder(0), on=TODAY - timedelta(days=200))
    out = StringIO()
    call_command("vouchers", "expire", stdout=out)
    assert json.loads(out.getvalue())["expired"] >= 1
    old.refresh_from_db()
    assert old.state == S.EXPIRED
    other = issue(holder(1), on=TODAY - timedelta(days=190))
    result = tasks.expire_vouchers.enqueue()
    assert result.return_value["expired"] >= 1
    other.refresh_from_db()
    assert other.state == S.EXPIRED


# --- rules ---------------------------------------------------------------------------------------


@pytest.fixture
def rule(act, orgs):
    """永城市: 农村转移就业劳动者 → 电工 五级."""
    with act("city_reviewer"):
        return services.create_rule(
            name="永城市农村转移就业劳动者电工券",
            organisation=Organisation.objects.get(code="411481"),
            categories=[PersonCategory.objects.get(code="rural_migrant")],
            occupations=occupations(ELECTRICIAN),
            level=SkillLevel.objects.get(code="5"),
            validity_days=90,
        )


def test_a_rule_previews_who_gets_one_then_issues_exactly_them(rule, act, issue, holder):
    """批量发券: the preview issues nothing; the run issues to the previewed persons, skips
    those already holding one, and a second run issues nothing more."""
    one = holder(0)  # a free person of 虞城县/夏邑县/永城市: counted only if of 永城市
    before = Voucher.objects.count()
    with act("city_reviewer"):
        preview = services.issue_by_rule(rule, preview=True)
    assert Voucher.objects.count() == before
    would = {c.person.pk for c in preview.candidates if c.outcome == "issue"}
    assert preview.counts["issue"] == len(would) > 0
    assert all(c.person.organisation.code == "411481" for c in preview.candidates)
    if one.organisation.code == "411481":
        assert one.pk in would
    holding = next(iter(would))
    issue(Person.objects.get(pk=holding), ELECTRICIAN)  # now already holds one
    with act("city_reviewer"):
        run = services.issue_by_rule(rule, preview=False, chunk=2)
    assert run.counts["issue"] == len(would) - 1 and run.counts["holding"] >= 1
    issued = Voucher.objects.filter(rule=rule)
    assert set(issued.values_list("person_id", flat=True)) == would - {holding}
    assert all(v.valid_until == v.issued_on + timedelta(days=89) for v in issued)
    assert all(v.organisation.code == "411481" for v in issued)
    rule.refresh_from_db()
    assert rule.last_run_issued == run.counts["issue"] and rule.last_run_at
    with act("city_reviewer"):
        again = services.issue_by_rule(rule, preview=False)
    assert again.counts["issue"] == 0


def test_a_rule_refuses_persons_the_pack_does_not_allow(act):
    """A rule for a category the Shangqiu pack does not make eligible (就业困难人员) issues none:
    the engine decides, not the rule."""
    with act("city_reviewer"):
        rule = services.create_rule(
            name="就业困难人员测试", organisation=Organisation.objects.get(code="411400"),
            categories=[PersonCategory.objects.get(code="employment_difficulty")],
            occupations=occupations(WELDER),
        )  # fmt: skip
    with act("city_reviewer"):
        preview = services.issue_by_rule(rule)
    assert preview.counts["issue"] == 0
    assert preview.counts["refused"] > 0 and all(c.reasons for c in preview.candidates)


def test_only_the_bureau_makes_rules_for_its_region(act, orgs):
    values = {
        "name": "越权",
        "categories": [PersonCategory.objects.get(code="veteran")],
        "occupations": occupations(WELDER),
    }
    with (
        act("county_reviewer"),
        pytest.raises(PermissionDenied, match="该人社部门不在您的管辖区域内"),
    ):
        services.create_rule(organisation=Organisation.objects.get(code="411481"), **values)
    with act("institution"), pytest.raises(PermissionDenied, match="只有人社部门可以发放培训券"):
        services.create_rule(organisation=orgs["liangyuan"], **values)
    with act("county_reviewer"):
        assert services.create_rule(organisation=orgs["liangyuan"], **values)
    assert VoucherRule.objects.filter(name="越权").count() == 1


# --- scope ---------------------------------------------------------------------------------------


def test_scope_of_vouchers(redeemed, users, issue, holder):
    """The bureau of the region (issuing or the holder's), the institution where it was
    redeemed, the holder: nobody else."""
    voucher, _enrollment = redeemed(0)
    elsewhere = issue(holder(1))

    def sees(username, obj):
        return scoped(users[username], Voucher.objects.filter(pk=obj.pk)).exists()

    assert sees("city_reviewer", voucher) and sees("finance", voucher) and sees("admin", voucher)
    assert sees("institution", voucher) and not sees("institution", elsewhere)
    assert not sees("county_reviewer", voucher)  # neither issued nor held in 梁园区
    assert not sees("department", voucher) and not sees("evaluator", voucher)
    assert not sees("worker", voucher)
    assert scoped(voucher.person.user, Voucher.objects.all()).get() == voucher
    history = scoped(voucher.person.user, StateChange.objects.all())
    assert set(history.values_list("voucher", flat=True)) == {voucher.pk}


@pytest.mark.usefixtures("voucher_spread")
def test_a_county_reviewer_sees_the_vouchers_of_the_county_whoever_issued_them(users):
    worker = Voucher.objects.filter(person__user=users["worker"]).first()
    assert worker is not None  # the worker's claimed voucher, issued by the city
    assert worker.organisation.code == "411400"
    assert scoped(users["county_reviewer"], Voucher.objects.filter(pk=worker.pk)).exists()


@pytest.mark.usefixtures("full_demo")
def test_the_demo_has_a_voucher_in_every_state(users):
    """vouchers.demo: issued, claimed by the worker, redeemed, settled, expired, voided."""
    states = set(Voucher.objects.values_list("state", flat=True))
    assert states == set(VoucherState.values)
    assert Voucher.objects.get(person__user=users["worker"]).state == S.CLAIMED
    settled = Voucher.objects.get(state=S.SETTLED, rule=None)
    assert settled.certificate.status == CertificateStatus.VALID
    assert settled.certificate.person == settled.person
