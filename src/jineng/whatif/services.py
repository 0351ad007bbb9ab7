"""Scenarios: replaying a region's period under a draft (or the pack in force) and keeping the
result. Fail closed: `whatif.run` and a region within the user's own. Nothing real is written: a
replay reads claim lines, decision records and histories, and writes only Scenario and
ScenarioLine rows.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jineng.catalog.models import DecisionRecord, FundChannel, Occupation, Region
from jineng.catalog.packs import pack_for
from jineng.claims import employment
from jineng.claims.history import COLUMNS as HISTORY_COLUMNS
from jineng.claims.history import NOT_COUNTING_CLAIM_STATES, counting_lines, prior
from jineng.claims.models import ClaimLine
from jineng.core import writes
from jineng.core.models import Organisation
from jineng.core.roles import Capability, acting_user, require_capability
from jineng.policy.pack import PolicyPack
from jineng.targets.models import Plan
from jineng.targets.selectors import latest_version, totals_of
from jineng.training.models import Enrollment, EnrollmentState
from jineng.vouchers.models import Voucher, VoucherState
from jineng.whatif import drafts, replay
from jineng.whatif.models import DraftRevision, Scenario, ScenarioLine, ScenarioState

NOT_ALLOWED = gettext_lazy("Your role cannot replay a period.")
MAX_DAYS = 3 * 366  # a replay covers at most three years
# 004 §二: 六类人员 (防止返贫监测对象、毕业年度高校毕业生、城乡未继续升学的应届初高中毕业生、
# 农村转移就业劳动者、城镇登记失业人员、就业困难人员), shown apart in the report.
SIX_004 = (
    "poverty_monitoring",
    "graduate",
    "school_leaver",
    "rural_migrant",
    "registered_unemployed",
    "employment_difficulty",
)
# 高技能人才: 高级工 and above (the certified_high measure of jineng.stats.measures).
HIGH_LEVELS = frozenset({"3", "2", "1", "principal", "chief"})
GROUPS = ("fund_channel", "county", "department", "category", "occupation")
CHANGED_KEPT = 5000  # changed lines kept with both traces; the figures count them all

# The column of each field of a replay.ROW.
COLUMNS = {
    "line_id": "id",
    "claim_number": "claim__number",
    "person_id": "person_id",
    "subsidy_type": "subsidy_type",
    "occupation": "occupation__code",
    "level": "level__code",
    "decided_on": "decided_on",
    "granted": "granted",
    "amount": "amount",
    "record_id": "decision_id",
    "facts": "decision__facts",
    "county": "claim__region__code",
    "fund_channel": "claim__fund_channel__code",
    "class_department": "claim__training_class__funding_department__name",
    "booking_department": "claim__booking__training_class__funding_department__name",
    "training_end": "claim__training_class__end_date",
    "training_type": "claim__training_class__training_type__code",
    "new_occupation": "occupation__is_new",
    "certificate": "certificate__kind",
    "payee_uscc": "claim__payee_uscc",
    "claim_year": "claim__claim_year",
    "claimed_on": TruncDate("claim__created_at"),  # the day taken in, as claims.employment has it
}


def _check_region(bureau: Organisation) -> None:
    drafts.check_bureau(bureau)


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise ValidationError(_("The period ends before it starts."))
    if (end - start).days > MAX_DAYS:
        raise ValidationError(_("A replay covers at most three years."))


def lines_of(bureau: Organisation, start: date, end: date):
    """The stored lines of the region's period that a replay decides again: training,
    evaluation and employment lines (002 §四(三)1) of claims the bureau or a bureau under it
    reviews, decided for a day of the period (an employment line: the day hired or placed),
    their claims submitted (a draft, withdrawn or rejected claim decided nothing). Top-up lines
    (补差) are left out: they are the difference of an earlier line."""
    return (
        ClaimLine.objects.filter(
            Q(claim__bureau__path__startswith=bureau.path),
            subsidy_type__in=replay.SUBSIDIES,
            decided_on__gte=start,
            decided_on__lte=end,
            tops_up__isnull=True,
        )
        .exclude(claim__state__in=NOT_COUNTING_CLAIM_STATES)
        .order_by("decided_on", "id")
    )


CHUNK = 2000  # lines read at a time; the stored traces a chunk needs are read in one query


def load_cases(bureau: Organisation, start: date, end: date) -> list[replay.Case]:
    """The region's period as cases: each training line from its decision's compact facts (no
    trace read), an evaluation line or a training line stored before the facts were kept
    from its stored trace, read set-wise (one query per chunk of such lines)."""
    cases = []
    rows = lines_of(bureau, start, end).values_list(*COLUMNS.values())
    chunk = []
    for row in rows.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            cases.extend(_cases_of(chunk))
            chunk = []
    cases.extend(_cases_of(chunk))
    return cases  # in the order decided: lines_of's (decided_on, then line)


def _cases_of(rows: list) -> list[replay.Case]:
    traced = [row[replay.RECORD] for row in rows if replay.needs_trace(row)]
    details = {}
    if traced:
        records = DecisionRecord.objects.filter(pk__in=traced).values_list("pk", "detail")
        details = dict(records)
    case_of, needs_trace, record = replay.case_of, replay.needs_trace, replay.RECORD
    return [
        case_of(row, details.get(row[record]) or {}) if needs_trace(row) else case_of(row)
        for row in rows
    ]


def histories_for(cases: list[replay.Case], end: date) -> dict:
    """Each person's subsidies outside the replayed lines, decided up to the period's end: the
    history of the time, which the replayed lines are then added to in order. Employment lines
    count in it as they were decided (a pack whose cap shares them), replayed or not."""
    replayed = {
        case.line_id for case in cases if case.subsidy_type in replay.SUBSIDIES
        and case.subsidy_type not in replay.EMPLOYMENT
    }  # fmt: skip
    history = {case.person_id: [] for case in cases}
    for row in _subsidies(counting_lines(history), replayed):
        if row[7] <= end:
            history[row[2]].append(prior(row))
    return history


def _subsidies(rows, skipped=frozenset()):
    """The counting lines that are each a subsidy (a top-up and its earlier line are one,
    as claims.history counts them), but those of `skipped`."""
    seen = set()
    for row in rows:
        subsidy = row[1] or row[0]
        if subsidy in skipped or subsidy in seen:
            continue
        seen.add(subsidy)
        yield row


def histories_before(person_ids) -> dict[int, list[tuple[int, object]]]:
    """Each person's subsidies as (decision id, PriorSubsidy), for the history a voucher's or
    an enrolment's stored decision was made with: the subsidies decided before it (a smaller
    decision id), as they were decided."""
    found = defaultdict(list)
    rows = counting_lines(person_ids, columns=(*HISTORY_COLUMNS, "decision_id"))
    for row in _subsidies(rows):
        found[row[2]].append((row[-1] or 0, prior(row[:-1])))
    return found


def _before(history: list, record_id: int | None) -> list:
    return [subsidy for decided, subsidy in history if decided < (record_id or 0)]


# A settled voucher as the replay reads it (replay.voucher_case): its field -> column.
VOUCHER_COLUMNS = {
    "id": "id",
    "number": "number",
    "person_id": "person_id",
    "record_id": "decision_id",
    "detail": "decision__detail",
    "amount": "settled_amount",
    "decided_on": TruncDate("settled_at"),
    "issued_on": "issued_on",
    "valid_until": "valid_until",
    "redeemed_on": TruncDate("redeemed_at"),
    "occupation": "certificate__occupation__code",
    "level": "certificate__level__code",
    "county": "person__organisation__region_code",
    "fund_channel": "enrollment__training_class__fund_channel__code",
    "department": "enrollment__training_class__funding_department__name",
}
# An enrolment as the replay reads it (replay.enrolment_case).
ENROLMENT_COLUMNS = {
    "id": "id",
    "number": "training_class__code",
    "person_id": "person_id",
    "record_id": "eligibility_id",
    "detail": "eligibility__detail",
    "decided_on": TruncDate("eligibility__decided_at"),
    "occupation": "training_class__occupation__code",
    "level": "training_class__level__code",
    "training_type": "training_class__training_type__code",
    "county": "training_class__institution__organisation__region_code",
    "fund_channel": "training_class__fund_channel__code",
    "department": "training_class__funding_department__name",
}


def vouchers_of(bureau: Organisation, start: date, end: date):
    """The vouchers of the region's people settled on a day of the period (002 §四(五)3)."""
    return Voucher.objects.filter(
        person__organisation__path__startswith=bureau.path,
        state=VoucherState.SETTLED,
        settled_at__date__gte=start,
        settled_at__date__lte=end,
    ).order_by("settled_at", "id")


def enrolments_of(bureau: Organisation, start: date, end: date):
    """The enrolments in the region's classes whose eligibility was decided on a day of the
    period (the decision each stands on now), but those withdrawn."""
    return (
        Enrollment.objects.filter(
            training_class__institution__organisation__path__startswith=bureau.path,
            eligibility__decided_at__date__gte=start,
            eligibility__decided_at__date__lte=end,
        )
        .exclude(state=EnrollmentState.WITHDRAWN)
        .order_by("eligibility__decided_at", "id")
    )


def undecided_enrolments(bureau: Organisation, start: date, end: date) -> int:
    """Enrolments of the period (by the day of enrolment) with no stored eligibility decision
    (put on a roster without the engine: imported, or made by hand): nothing to replay."""
    return (
        Enrollment.objects.filter(
            training_class__institution__organisation__path__startswith=bureau.path,
            eligibility__isnull=True,
            enrolled_at__date__gte=start,
            enrolled_at__date__lte=end,
        )
        .exclude(state=EnrollmentState.WITHDRAWN)
        .count()
    )


def load_other_cases(bureau: Organisation, start: date, end: date) -> list[replay.Case]:
    """The region's settled vouchers and enrolment decisions of the period as cases, each with
    the person's history before its stored decision (a few thousand a year: read whole)."""
    vouchers = _rows(vouchers_of(bureau, start, end), VOUCHER_COLUMNS)
    occupations = defaultdict(list)
    through = Voucher.occupations.through.objects.filter(
        voucher_id__in=[row["id"] for row in vouchers]
    ).order_by("voucher_id", "occupation__code")
    for voucher_id, code in through.values_list("voucher_id", "occupation__code"):
        occupations[voucher_id].append(code)
    enrolments = _rows(enrolments_of(bureau, start, end), ENROLMENT_COLUMNS)
    histories = histories_before({row["person_id"] for row in vouchers + enrolments})
    cases = []
    for row in vouchers:
        row["occupations"] = occupations[row["id"]]
        history = _before(histories.get(row["person_id"], []), row["record_id"])
        cases.append(replay.voucher_case(row.pop("detail") or {}, row, history))
    for row in enrolments:
        history = _before(histories.get(row["person_id"], []), row["record_id"])
        cases.append(replay.enrolment_case(row.pop("detail") or {}, row, history))
    return cases


def _rows(queryset, columns: dict) -> list[dict]:
    names = list(columns)
    return [dict(zip(names, row, strict=True))
            for row in queryset.values_list(*columns.values())]  # fmt: skip


def enterprise_grants_for(cases: list[replay.Case]) -> list[tuple[int, str, Decimal]]:
    """What each SME of the replayed employment lines was granted outside them, as
    claims.employment counts it for the cap of 002 §四(三)1 (its claims' lines of the kind that
    count, whoever took them in): (decision id, credit code, amount) of each such line, which
    the replay counts from its place in the order decided."""
    replayed = {case.line_id for case in cases}
    payees = sorted(
        {case.engine_line.enterprise_key for case in cases
         if case.subsidy_type == replay.EMPLOYMENT_SME}
    )  # fmt: skip
    grants = []
    for payee in payees:
        rows = employment.counting_lines(replay.EMPLOYMENT_SME, payee).values_list(
            "id", "decision_id", "amount"
        )
        grants += [(record or 0, payee, amount) for line, record, amount in rows
                   if line not in replayed]  # fmt: skip
    return grants


def pack_of(scenario: Scenario) -> PolicyPack:
    """The rules a scenario replays under: its draft revision (read again by the strict loader)
    or, without one, the pack in force for the region on the period's first day."""
    if scenario.revision_id is not None:
        return drafts.accepted(scenario.revision)
    found = pack_for(scenario.bureau.region_code, scenario.start)
    if found is None:
        raise ValidationError(_("No policy pack is in force for this region on that day."))
    return found[1]


@transaction.atomic
def create_scenario(
    bureau: Organisation, start: date, end: date, revision: DraftRevision | None
) -> Scenario:
    """A scenario queued for the worker. A revision the loader refuses cannot be replayed."""
    require_capability(Capability.RUN_WHATIF, NOT_ALLOWED)
    _check_region(bureau)
    _check_period(start, end)
    if revision is not None:
        drafts.check_bureau(revision.draft.bureau)
        drafts.accepted(revision)
        if not bureau.path.startswith(revision.draft.org_path) and not (
            revision.draft.org_path.startswith(bureau.path)
        ):
            raise ValidationError(_("The draft belongs to another region."))
    return writes.create(
        Scenario(
            bureau=bureau,
            org_path=bureau.path,
            revision=revision,
            start=start,
            end=end,
            created_by=acting_user(),
        )
    )


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def summarise(cases: list[replay.Case]) -> dict:
    """The figures of a replay: totals by each grouping, people who gain or lose a subsidy (by
    category, the six of 004 §二 apart), certificates whose subsidy is lost."""
    groups = {name: defaultdict(lambda: [Decimal(0), Decimal(0), 0]) for name in GROUPS}
    per_person = defaultdict(lambda: [0, 0, ()])
    at_risk = defaultdict(int)
    at_risk_high = 0
    before_total = after_total = Decimal(0)
    eligibility = [case for case in cases if case.subsidy_type == replay.ENROLMENT]
    cases = [case for case in cases if case.subsidy_type != replay.ENROLMENT]
    for case in cases:
        before_total += case.before_amount
        after_total += case.after_amount
        keys = {
            "fund_channel": [case.fund_channel],
            "county": [case.county],
            "department": [case.department],
            "category": list(case.categories) or [""],
            "occupation": [case.occupation],
        }
        for name, values in keys.items():
            for key in values:
                cell = groups[name][key]
                cell[0] += case.before_amount
                cell[1] += case.after_amount
                cell[2] += 1
        person = per_person[case.person_id]
        person[0] += case.before_granted
        person[1] += case.after_granted
        person[2] = tuple(sorted(set(person[2]) | set(case.categories)))
        if case.before_granted and not case.after_granted and case.certified:
            at_risk[(case.county, case.occupation)] += 1
            at_risk_high += case.level in HIGH_LEVELS
    people = _gain_and_lose(per_person.values())
    return {
        "before": _money(before_total),
        "after": _money(after_total),
        "groups": {
            name: {key: [_money(b), _money(a), n] for key, (b, a, n) in sorted(cells.items())}
            for name, cells in groups.items()
        },
        "people": people,
        "eligibility": _eligibility(eligibility),
        "vouchers": _kind(cases, replay.VOUCHER),
        "at_risk": [[county, occupation, n] for (county, occupation), n in sorted(at_risk.items())],
        "at_risk_high": at_risk_high,
        "lines": {
            "total": len(cases),
            "changed": sum(case.changed for case in cases),
            "granted_before": sum(case.before_granted for case in cases),
            "granted_after": sum(case.after_granted for case in cases),
        },
    }


def _gain_and_lose(people) -> dict:
    """People whose count of grants goes up (gain) or down (lose) under the draft, in all and
    by category: (before, after, categories) of each person."""
    people = list(people)
    gain = lose = 0
    by_category = defaultdict(lambda: [0, 0])
    for before, after, categories in people:
        if after == before:
            continue
        column = 0 if after > before else 1
        gain += column == 0
        lose += column == 1
        for category in categories or ("",):
            by_category[category][column] += 1
    return {
        "total": len(people),
        "gain": gain,
        "lose": lose,
        "by_category": {key: value for key, value in sorted(by_category.items())},
    }


def _kind(cases: list[replay.Case], kind: str) -> dict:
    """The decisions of one kind replayed, changed, and not replayed (by reason)."""
    mine = [case for case in cases if case.subsidy_type == kind]
    not_replayed = defaultdict(int)
    for case in mine:
        if case.not_replayed:
            not_replayed[case.not_replayed] += 1
    return {
        "total": len(mine),
        "changed": sum(case.changed for case in mine),
        "not_replayed": dict(sorted(not_replayed.items())),
    }


def _eligibility(cases: list[replay.Case]) -> dict:
    """Enrolment eligibility: the people who would become eligible (gain) or ineligible (lose)
    for the subsidy of a class they are on, by category (the six of 004 §二 apart on the page).
    Eligibility carries no money of its own."""
    per_person = defaultdict(lambda: [0, 0, ()])
    for case in cases:
        person = per_person[case.person_id]
        person[0] += case.before_granted
        person[1] += case.after_granted
        person[2] = tuple(sorted(set(person[2]) | set(case.categories)))
    return _kind(cases, replay.ENROLMENT) | {
        "eligible_before": sum(case.before_granted for case in cases),
        "eligible_after": sum(case.after_granted for case in cases),
        "people": _gain_and_lose(per_person.values()),
    }


def target_rows(scenario: Scenario) -> list[list]:
    """The certificate targets of the region's plans for the scenario's years (002 §二(二), §三:
    the targets app), beside the certificates whose subsidy the scenario would lose: a risk to
    the target, not a lost certificate. [plan, measure, target (persons), at risk]."""
    at_risk = sum(n for _county, _occupation, n in scenario.summary.get("at_risk", []))
    risks = {"certified": at_risk, "certified_high": scenario.summary.get("at_risk_high", 0)}
    plans = Plan.objects.filter(
        bureau=scenario.bureau, start_year__lte=scenario.end.year, end_year__gte=scenario.start.year
    )
    rows = []
    for plan in plans.order_by("start_year", "pk"):
        version = latest_version(plan)
        if version is None:
            continue
        for code, value in sorted(totals_of(version).items()):
            if code in risks:
                rows.append([plan.title, code, value, risks[code]])
    return rows


def labels() -> dict:
    """Names for the codes of the figures (counties, fund channels, occupations)."""
    return {
        "county": dict(Region.objects.values_list("code", "name")),
        "fund_channel": dict(FundChannel.objects.values_list("code", "name")),
        "occupation": dict(Occupation.objects.values_list("code", "name")),
    }


def run_scenario(scenario: Scenario) -> Scenario:
    """Replay the scenario and keep its figures and changed lines. Reads only, except the
    scenario's own rows; a failure is kept on the scenario with its message."""
    require_capability(Capability.RUN_WHATIF, NOT_ALLOWED)
    Scenario.objects.filter(pk=scenario.pk).update(state=ScenarioState.RUNNING)
    try:
        pack = pack_of(scenario)
        cases = load_cases(scenario.bureau, scenario.start, scenario.end)
        cases += load_other_cases(scenario.bureau, scenario.start, scenario.end)
        outcome = replay.replay(
            pack, cases, histories_for(cases, scenario.end), enterprise_grants_for(cases)
        )
        summary = summarise(cases)
    except (ValidationError, PermissionDenied) as error:
        return _failed(scenario, " ".join(getattr(error, "messages", [str(error)])))
    except ValueError as error:  # a stored decision the replay cannot read (replay.UNREADABLE)
        return _failed(
            scenario,
            _("A stored decision could not be read, so nothing was replayed: %(detail)s")
            % {"detail": error},
        )
    summary["pack"] = {"id": pack.id, "version": pack.version, "title": pack.title}
    summary["eligibility"]["not_replayed"][replay.NO_DECISION] = undecided_enrolments(
        scenario.bureau, scenario.start, scenario.end
    )
    changed = [case for case in cases if case.changed]
    with transaction.atomic():
        ScenarioLine.objects.filter(scenario=scenario).delete()
        ScenarioLine.objects.bulk_create(
            _changed_line(scenario, case, outcome) for case in changed[:CHANGED_KEPT]
        )
        Scenario.objects.filter(pk=scenario.pk).update(
            state=ScenarioState.DONE,
            error="",
            lines=len(cases),
            changed=len(changed),
            before_total=Decimal(summary["before"]),
            after_total=Decimal(summary["after"]),
            summary=summary,
            finished_at=timezone.now(),
        )
    scenario.refresh_from_db()
    return scenario


def _failed(scenario: Scenario, message: str) -> Scenario:
    """The scenario ends failed with its message: the page shows it, nothing else is kept."""
    Scenario.objects.filter(pk=scenario.pk).update(
        state=ScenarioState.FAILED, error=message, finished_at=timezone.now()
    )
    scenario.refresh_from_db()
    return scenario


def _changed_line(scenario: Scenario, case: replay.Case, outcome: replay.Outcome) -> ScenarioLine:
    found = DecisionRecord.objects.filter(pk=case.record_id).values_list("detail", flat=True)
    before = (found[0] if found else None) or {}
    decision = outcome.decision(case, before)
    return ScenarioLine(
        scenario=scenario,
        line_id=case.line_id,
        claim_number=case.claim_number,
        person_id=case.person_id,
        subsidy_type=case.subsidy_type,
        occupation=case.occupation,
        level=case.level,
        county=case.county,
        categories=list(case.categories),
        before_granted=case.before_granted,
        after_granted=case.after_granted,
        before_amount=case.before_amount,
        after_amount=case.after_amount,
        before=before,
        after=decision.to_dict(),
    )
