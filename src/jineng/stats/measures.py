"""The one registry of what is counted (measures) and of the indicators (rates) computed from the
platform's own facts. Each definition is written here once; the statistics page, the API and
docs/statistics.md show these texts.

Decisions, with their sources:
- Skill certificates (for 新增技能人才 and 取证): 职业资格证书, 职业技能等级证书 and
  专项职业能力证书, not the 培训合格证书 (004 §四(五): 取得符合规定证书(包括职业资格证书、
  职业技能等级证书、专项职业能力证书,不含培训合格证)). A revoked certificate counts for nothing.
- High skill: a level marked high-skill in the catalog (三级/高级工 and above, the levels
  002 §三 counts as 高级证书; catalog.SkillLevel.is_high_skill).
- Region: the county of the place of training, that is the bureau the class's institution hangs
  under; a certificate that follows no class here counts in the region of the holder's bureau.
- Department: the class's funding department (004 §五(一): 将相关行业主管部门开展的补贴性培训纳入
  统计范围).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from jineng.certificates.models import CertificateKind

SKILL_KINDS = (
    CertificateKind.QUALIFICATION,
    CertificateKind.SKILL_LEVEL,
    CertificateKind.SPECIAL_ABILITY,
)

# Where training is counted: at completion (结业, the default) or at enrolment (a plan may say so).
AT_COMPLETION = "completion"
AT_ENROLMENT = "enrolment"
COUNTED_AT = (AT_COMPLETION, AT_ENROLMENT)
# The rollup keeps the enrolment variant of `training` under its own code.
TRAINING_AT_ENROLMENT = "training@enrolment"

# The windows of the indicators are policy values: each pack's [statistics]
# (employment_window_days, stay_days), read per region and date by stats.windows. These are
# what counts where no pack governs (stats.windows.DEFAULT), and what the rollup's recount
# horizon (rollup.indicator_recount_days, at least) and bench/stats.py's DuckDB queries read.
# 90: the three months of 004 §四(五) (已实现就业的(3个月内)); 180: no seed states N for 稳岗.
EMPLOYMENT_WINDOW_DAYS = 90
STAY_DAYS = 180


@dataclass(frozen=True)
class Measure:
    code: str
    name: str  # as the targets of 002 附件1 name it
    unit: str
    definition: str
    cite: str
    fact: str  # "enrollment" or "certificate": what its drill-down lists


MEASURES = {
    m.code: m
    for m in (
        Measure(
            "training",
            _("Vocational skills training (职业技能培训)"),
            _("person-times (人次)"),
            _(
                "Enrolments in subsidised classes, counted on the day the class ends (结业) for "
                "trainees who completed it; or, when a plan says so, on the day of enrolment for "
                "every trainee who did not withdraw. A person in two classes counts twice."
            ),
            "002 附件1; 002 §二(二)",
            "enrollment",
        ),
        Measure(
            "new_skilled",
            _("New skilled workers (新增技能人才)"),
            _("persons (人)"),
            _(
                "Persons whose first skill certificate ever (职业资格证书, 职业技能等级证书 or "
                "专项职业能力证书; not a 培训合格证书; not revoked) was issued in the period."
            ),
            "002 附件1; 004 §四(五)",
            "certificate",
        ),
        Measure(
            "new_high_skilled",
            _("New high-skilled workers (新增高技能人才)"),
            _("persons (人)"),
            _(
                "Persons whose first certificate at 三级/高级工 or above ever (not revoked) was "
                "issued in the period."
            ),
            "002 附件1; 002 §三 (高级证书: 三级/高级工及以上)",
            "certificate",
        ),
        Measure(
            "certified",
            _("Certified (取证人数)"),
            _("certificates (人次)"),
            _(
                "Skill certificates (not revoked) issued in the period after a class on this "
                "platform (the certificate names the class)."
            ),
            "002 §三",
            "certificate",
        ),
        Measure(
            "certified_high",
            _("Of which high-level certificates (其中高级证书)"),
            _("certificates (人次)"),
            _("Of the certificates counted as certified, those at 三级/高级工 or above."),
            "002 §三",
            "certificate",
        ),
    )
}


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    formula: str
    numerator: str
    denominator: str
    cite: str


INDICATORS = {
    i.code: i
    for i in (
        Indicator(
            "placement",
            _("Placement rate of employment skills training (就业技能培训上岗率)"),
            _("placed ÷ completed × 100%"),
            _(
                "Completers of 就业技能培训 classes ended in the period with an insured "
                "employment record in force within 90 days after the class ended."
            ),
            _("Trainees who completed 就业技能培训 classes that ended in the period."),
            "004 §五(五); 004 §四(五)",
        ),
        Indicator(
            "retention",
            _("Job retention rate of job skills upgrade training (岗位技能提升培训稳岗率)"),
            _("still insured ÷ completed × 100%"),
            _(
                "Of the denominator, those with an insured employment record in force 180 days "
                "after the class ended."
            ),
            _(
                "Trainees who completed 岗位技能提升培训 classes that ended in the period at "
                "least 180 days before today."
            ),
            "004 §五(五)",
        ),
        Indicator(
            "entrepreneurship_pass",
            _("Pass rate of entrepreneurship training (创业培训合格率)"),
            _("completed ÷ trainees × 100%"),
            _("Trainees who completed (结业) the class."),
            _("Trainees (not withdrawn) of 创业培训 classes that ended in the period."),
            "004 §五(五)",
        ),
        Indicator(
            "high_skill_share",
            _("Share of high-skill training (高技能人才培训占比)"),
            _("completers at 三级 and above ÷ all completers × 100%"),
            _("Completers of classes at a high-skill level (三级/高级工 and above)."),
            _("Completers of all classes that ended in the period."),
            "004 §五(五)",
        ),
        Indicator(
            "certificate_rate",
            _("Certificate rate (持证率)"),
            _("certified completers ÷ completers × 100%"),
            _("Completers holding a skill certificate (not revoked) that follows the class."),
            _("Completers of all classes that ended in the period."),
            "002 §五(三)",
        ),
        Indicator(
            "employment_rate",
            _("Employment rate (就业率)"),
            _("employed ÷ completers × 100%"),
            _(
                "Completers with an insured employment record in force within 90 days after "
                "the class ended."
            ),
            _("Completers of all classes that ended in the period."),
            "002 §五(三)",
        ),
        Indicator(
            "income_rate",
            _("Income increase rate (增收率)"),
            _("not computed"),
            _("No income data exists on the platform: this rate cannot be computed."),
            "—",
            "002 §五(三)",
        ),
    )
}
# Indicators without data: shown with their reason, never a made-up figure.
NO_DATA = {"income_rate"}

BY = ("county", "city", "department", "institution", "occupation", "category", "month")
