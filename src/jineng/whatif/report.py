"""A scenario's report: the figures kept on the scenario as tables (before, after, difference by
fund channel, county, department, person category, occupation), the people who gain or lose a
subsidy by category (the six of 004 §二 apart), the certificates whose subsidy would be lost (a
risk to the certificate targets, not a lost certificate) and the changed lines. The same
sections are written to .xlsx and PDF by the reports app's writers (reports.files)."""

from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jineng.policy import labels as policy_labels
from jineng.reports.content import Content, Section
from jineng.stats.measures import MEASURES
from jineng.whatif import replay, services
from jineng.whatif.models import Scenario
from jineng.whatif.services import GROUPS, SIX_004, labels

GROUP_TITLES = {
    "fund_channel": lambda: _("By fund channel"),
    "county": lambda: _("By county"),
    "department": lambda: _("By department"),
    "category": lambda: _("By person category"),
    "occupation": lambda: _("By occupation"),
}


def category_name(code: str) -> str:
    if not code:
        return _("no category")
    zh = (get_language() or "zh").startswith("zh")
    return (policy_labels.zh if zh else policy_labels.en)(policy_labels.CATEGORY, code) or code


def group_rows(scenario: Scenario, group: str) -> list[list]:
    """[code, name, before, after, difference, lines] for each key of the grouping."""
    names = labels().get(group, {})
    rows = []
    for key, (before, after, count) in scenario.summary.get("groups", {}).get(group, {}).items():
        name = category_name(key) if group == "category" else (names.get(key, key) or "—")
        b, a = Decimal(before), Decimal(after)
        rows.append([key or "—", name, b, a, a - b, count])
    return rows


def people_rows(scenario: Scenario) -> list[list]:
    """[category, gain, lose]: the six of 004 §二 first (each shown, even at 0), then the rest."""
    return _by_category(scenario.summary.get("people", {}))


def eligibility_rows(scenario: Scenario) -> list[list]:
    """[category, become eligible, become ineligible] of the enrolments replayed, as
    people_rows."""
    return _by_category(scenario.summary.get("eligibility", {}).get("people", {}))


def _by_category(people: dict) -> list[list]:
    by = people.get("by_category", {})
    rows = [[category_name(code), *by.get(code, [0, 0])] for code in SIX_004]
    rows += [[category_name(code), *value] for code, value in by.items() if code not in SIX_004]
    return rows


KINDS = {
    "vouchers": lambda: _("Voucher settlements"),
    "eligibility": lambda: _("Enrolment eligibility"),
}
REASONS = {
    "no_decision": lambda: _("no stored decision (recorded without the policy engine)"),
    "no_categories": lambda: _("the stored decision holds no person categories"),
    "no_licences": lambda: _(
        "the draft asks for a practising licence the stored decision never looked at "
        "(004 §五(一)): the licences held then are not known"
    ),
}


def kind_name(code: str) -> str:
    """The name of a changed line's kind: a subsidy, a voucher settlement or an eligibility."""
    if code in KIND_NAMES:
        return KIND_NAMES[code]()
    zh = (get_language() or "zh").startswith("zh")
    return (policy_labels.zh if zh else policy_labels.en)(policy_labels.SUBSIDY_TYPE, code) or code


KIND_NAMES = {
    replay.VOUCHER: lambda: _("Voucher settlement"),
    replay.ENROLMENT: lambda: _("Enrolment eligibility"),
}


def kind_rows(scenario: Scenario) -> list[list]:
    """[what, replayed, changed] of the vouchers and the enrolments."""
    rows = []
    for key, name in KINDS.items():
        found = scenario.summary.get(key, {})
        rows.append([name(), found.get("total", 0), found.get("changed", 0)])
    return rows


def not_replayed_rows(scenario: Scenario) -> list[list]:
    """[what, why, how many]: the stored decisions a replay could not decide again honestly;
    each keeps its stored outcome."""
    rows = []
    for key, name in KINDS.items():
        for reason, count in scenario.summary.get(key, {}).get("not_replayed", {}).items():
            if count:
                rows.append([name(), REASONS.get(reason, lambda r=reason: r)(), count])
    return rows


def voucher_note() -> str:
    return _(
        "A voucher settles for its value, capped by the subsidy standard of the certificate "
        "obtained: neither is a value of the pack. A draft changes a settlement only by refusing "
        "the voucher's issue (002 §四(五)3: 符合补贴条件的劳动者; who is eligible, the limits of "
        "004 §四(五)) or by ending its validity before it was used at enrolment; a settlement it "
        "keeps pays what it paid. Vouchers the old pack refused were never issued and are not "
        "known."
    )


def not_replayed_note() -> str:
    return _(
        "These stored decisions keep their outcome in the figures: the facts a faithful replay "
        "needs are not stored."
    )


def eligibility_note() -> str:
    return _(
        "Eligibility carries no money of its own: an enrolment's subsidy is paid by its claim "
        "line, counted above. The six categories of 004 §二 are shown first, each apart."
    )


def risk_rows(scenario: Scenario) -> list[list]:
    names = labels()
    return [
        [names["county"].get(county, county), names["occupation"].get(occ, occ), n]
        for county, occ, n in scenario.summary.get("at_risk", [])
    ]


def target_rows(scenario: Scenario) -> list[list]:
    names = {code: str(measure.name) for code, measure in MEASURES.items()}
    return [
        [plan, names.get(code, code), target, risk]
        for plan, code, target, risk in services.target_rows(scenario)
    ]


def title(scenario: Scenario) -> str:
    pack = scenario.summary.get("pack", {})
    return _("What-if %(start)s to %(end)s under %(pack)s") % {
        "start": scenario.start,
        "end": scenario.end,
        "pack": pack.get("title", ""),
    }


def content(scenario: Scenario) -> Content:
    money = [_("Code"), _("Name"), _("Before (yuan)"), _("After (yuan)"), _("Difference"),
             _("Lines")]  # fmt: skip
    sections = [
        Section(
            _("Totals"),
            [
                _("Before (yuan)"),
                _("After (yuan)"),
                _("Difference"),
                _("Lines replayed"),
                _("Lines changed"),
            ],  # fmt: skip
            [
                [
                    scenario.before_total,
                    scenario.after_total,
                    scenario.difference,
                    scenario.lines,
                    scenario.changed,
                ]
            ],  # fmt: skip
        )
    ]
    for group in GROUPS:
        note = (
            _("A line counts under each of its person's categories.") if group == "category" else ""
        )
        sections.append(
            Section(
                GROUP_TITLES[group](), money, group_rows(scenario, group), chart_column=4, note=note
            )  # fmt: skip
        )
    sections.append(
        Section(
            _("People who gain or lose a subsidy"),
            [_("Person category"), _("Gain"), _("Lose")],
            people_rows(scenario),
            note=_("The six categories of 004 §二 are shown first, each apart."),
        )
    )
    decisions = [_("Decisions"), _("Replayed"), _("Changed")]
    became = [_("Person category"), _("Become eligible"), _("Become ineligible")]
    sections += [
        Section(_("Voucher settlements and enrolment eligibility"), decisions,
                kind_rows(scenario), note=voucher_note()),
        Section(_("People who become eligible or ineligible"), became,
                eligibility_rows(scenario), note=eligibility_note()),
        Section(_("Not replayed"), [_("Decisions"), _("Why"), _("Count")],
                not_replayed_rows(scenario), note=not_replayed_note()),
    ]  # fmt: skip
    sections.append(
        Section(
            _("Certificates no longer subsidised (a risk to the target)"),
            [_("County"), _("Occupation"), _("Certificates")],
            risk_rows(scenario),
            note=_(
                "A certificate whose subsidy the draft refuses is still a certificate: it is a "
                "risk to the certificate target, not a loss."
            ),  # fmt: skip
        )
    )
    sections.append(
        Section(
            _("Certificate targets"),
            [_("Plan"), _("Measure"), _("Target (persons)"), _("Certificates at risk")],
            target_rows(scenario),
        )
    )
    sections.append(
        Section(
            _("Lines whose outcome changes"),
            [
                _("Claim, voucher or class"),
                _("Subsidy"),
                _("Occupation"),
                _("Level"),
                _("Before (yuan)"),
                _("After (yuan)"),
                _("Reasons before"),
                _("Reasons after"),
            ],  # fmt: skip
            [
                [
                    line.claim_number,
                    kind_name(line.subsidy_type),
                    line.occupation,
                    line.level,
                    line.before_amount,
                    line.after_amount,
                    reasons(line.before),
                    reasons(line.after),
                ]
                for line in scenario.changes.all()
            ],  # fmt: skip
        )
    )
    return Content(title(scenario), "whatif", scenario.bureau, scenario.start, scenario.end,
                   sections)  # fmt: skip


def reasons(detail: dict) -> str:
    return "；".join(c["message_zh"] for c in detail.get("checks", ()) if not c["passed"]) or "—"
