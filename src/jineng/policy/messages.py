"""The zh-hans and English sentences of rule checks, one template pair per check and variant.

Templates are filled from display values the engine prepares (names, dates, percentages); the
machine-readable facts stay in the check's evidence.
"""

from __future__ import annotations

from typing import Any

from . import labels
from .decision import RuleCheck

# "code:variant" -> (zh, en). {cite_zh}/{cite_en} read "依据 004 §四(五)" / "per 004 §四(五)".
TEMPLATES: dict[str, tuple[str, str]] = {
    "pack.period:pass": (
        "{date}在“{pack_zh}”有效期（{start}至{end}）内",
        "{date} is within the period of “{pack_en}” ({start} to {end})",
    ),
    "pack.period:fail": (
        "{date}不在“{pack_zh}”有效期（{start}至{end}）内，应适用其他政策",
        "{date} is outside the period of “{pack_en}” ({start} to {end}): another pack applies",
    ),
    "pack.period:year": (
        "{year}年在“{pack_zh}”有效期（{start}至{end}）内",
        "{year} falls within the period of “{pack_en}” ({start} to {end})",
    ),
    "pack.period:year_fail": (
        "{year}年不在“{pack_zh}”有效期（{start}至{end}）内，应适用其他政策",
        "{year} is outside the period of “{pack_en}” ({start} to {end}): another pack applies",
    ),
    "stated:pass": ("本政策规定了{what_zh}", "this pack states {what_en}"),
    "stated:fail": (
        "本政策未规定{what_zh}，不予核定",
        "this pack does not state {what_en}, so this cannot be granted",
    ),
    "category:pass": (
        "人员类别（{cats_zh}）属于{subsidy_zh}对象（{eligible_zh}；{cite_zh}）",
        "person categories ({cats_en}) are eligible for the {subsidy_en} "
        "({eligible_en}; {cite_en})",
    ),
    "category:any": (
        "{subsidy_zh}不限人员类别（{cite_zh}）",
        "the {subsidy_en} requires no person category ({cite_en})",
    ),
    "category:fail": (
        "人员类别（{cats_zh}）不属于{subsidy_zh}对象（{eligible_zh}；{cite_zh}）",
        "person categories ({cats_en}) are not eligible for the {subsidy_en} "
        "({eligible_en}; {cite_en})",
    ),
    "training.licence:pass": (
        "职业（工种）{occupation}有从业资格要求，本人持有{day}有效的{licence_zh}（{cite_zh}）",
        "{occupation} is an occupation that needs a practising licence; the person holds a "
        "{licence_en} valid on {day} ({cite_en})",
    ),
    "training.licence:fail": (
        "职业（工种）{occupation}有从业资格要求，补贴性培训只面向已取得从业资格的劳动者；"
        "本人未登记{day}有效的{licence_zh}（{cite_zh}）",
        "{occupation} is an occupation that needs a practising licence, and its subsidised "
        "training is only for people who already hold one; no {licence_en} valid on {day} is "
        "on record ({cite_en})",
    ),
    "training.rate_scope:pass": (
        "{type_zh}适用按培训效果确定的补贴比例（{cite_zh}）",
        "{type_en} for these categories is subsidised at rates by outcome ({cite_en})",
    ),
    "training.rate_scope:standard": (
        "按培训效果确定的补贴比例只适用于{scope_cats_zh}参加{scope_types_zh}；本人类别为{cats_zh}，"
        "培训类型为{type_zh}，参加培训后取得证书的，按规定按补贴标准给予职业培训补贴（{cite_zh}）",
        "the rates by outcome apply only to {scope_cats_en} in {scope_types_en}; this is "
        "{cats_en} in {type_en}, paid by the standard once a certificate is obtained after "
        "training ({cite_en})",
    ),
    "training.rate_scope:fail": (
        "本政策的补贴比例只适用于{scope_cats_zh}参加{scope_types_zh}；"
        "本人类别为{cats_zh}，培训类型为{type_zh}，本政策未规定其补贴比例，不予补贴（{cite_zh}）",
        "this pack's rates apply only to {scope_cats_en} in {scope_types_en}; "
        "this is {cats_en} in {type_en}, for which this pack states no rate: no subsidy "
        "({cite_en})",
    ),
    "training.certificate:pass": (
        "参加培训后取得{cert_zh}，按补贴标准的{rate}补贴（{cite_zh}）",
        "obtained a {cert_en} after training: {rate} of the standard ({cite_en})",
    ),
    "training.certificate:none": (
        "参加培训后未取得证书（{kinds_zh}），不予补贴（{cite_zh}）",
        "no certificate ({kinds_en}) was obtained after training: no subsidy ({cite_en})",
    ),
    "training.certificate:kind": (
        "取得的{cert_zh}不属于按规定补贴的证书（{kinds_zh}），不予补贴（{cite_zh}）",
        "a {cert_en} is not one of the certificates paid by the standard ({kinds_en}): "
        "no subsidy ({cite_en})",
    ),
    "training.outcome:employed": (
        "培训结束（{training_end}）后{months}个月内（至{window_end}）已就业（{employment_start}），"
        "按补贴标准的{rate}补贴（{cite_zh}）",
        "employed on {employment_start}, within {months} months after training ended on "
        "{training_end} (by {window_end}): {rate} of the standard ({cite_en})",
    ),
    "training.outcome:certificate": (
        "{not_employed_zh}，取得{cert_zh}，按补贴标准的{rate}补贴（{cite_zh}）",
        "{not_employed_en}; obtained a {cert_en}: {rate} of the standard ({cite_en})",
    ),
    "training.outcome:completion_only": (
        "{not_employed_zh}，仅取得培训合格证书（非人力资源社会保障部发布的新职业），"
        "按补贴标准的{rate}补贴（{cite_zh}）",
        "{not_employed_en}; only a training completion certificate, not for a new occupation: "
        "{rate} of the standard ({cite_en})",
    ),
    "training.outcome:fail": (
        "{not_employed_zh}，且未取得证书，不予补贴（{cite_zh}）",
        "{not_employed_en} and no certificate was obtained: no subsidy ({cite_en})",
    ),
    "limit.count:pass": (
        "{window_zh}已享受{subsidy_zh}{counted}次，未达上限{cap}次（{cite_zh}）",
        "{counted} earlier {subsidy_en} counted {window_en}, below the cap of {cap} ({cite_en})",
    ),
    "limit.count:unlimited": (
        "本政策未设{subsidy_zh}次数上限（{cite_zh}）",
        "this pack sets no count cap on the {subsidy_en} ({cite_en})",
    ),
    "limit.count:fail": (
        "{window_zh}已享受{subsidy_zh}{counted}次（{claims}），已达上限{cap}次（{cite_zh}）",
        "{counted} earlier {subsidy_en} counted {window_en} ({claims}) reach the cap of {cap} "
        "({cite_en})",
    ),
    "limit.unique:pass": (
        "此前未就{unique_zh}（{what_zh}）享受过{subsidy_zh}（{cite_zh}）",
        "no earlier {subsidy_en} for {unique_en} ({what_en}) ({cite_en})",
    ),
    "limit.unique:fail": (
        "已就{unique_zh}（{what_zh}）享受过{subsidy_zh}（{claims}），不得重复享受（{cite_zh}）",
        "a {subsidy_en} was already granted for {unique_en} ({what_en}; {claims}): "
        "never twice ({cite_en})",
    ),
    "limit.higher_level:pass": (
        "此前未就{occupation}高于{level_zh}的等级享受过{subsidy_zh}（{cite_zh}）",
        "no earlier {subsidy_en} for {occupation} above {level_en} ({cite_en})",
    ),
    "limit.higher_level:fail": (
        "已就{occupation}的更高等级享受过{subsidy_zh}（{claims}），不再享受较低等级{level_zh}"
        "（{cite_zh}）",
        "a {subsidy_en} was already granted for {occupation} at a higher level ({claims}): "
        "none for the lower {level_en} ({cite_en})",
    ),
    "evaluation.first_evaluation:pass": (
        "属于初次职业技能评价（{cite_zh}）",
        "this is the person's first evaluation ({cite_en})",
    ),
    "evaluation.first_evaluation:fail": (
        "不是初次职业技能评价，不予评价补贴（{cite_zh}）",
        "not the person's first evaluation: no evaluation subsidy ({cite_en})",
    ),
    "evaluation.applicant_agreement:pass": (
        "{applicant}已于{signed_on}与考核评价机构签订免费技能评价协议书，不晚于评价日期"
        "{evaluated_on}（{cite_zh}）",
        "{applicant} signed the free-evaluation agreement with the evaluation organisation on "
        "{signed_on}, no later than the evaluation on {evaluated_on} ({cite_en})",
    ),
    "evaluation.applicant_agreement:missing": (
        "未登记考核评价机构与补贴申请人{applicant}签订的免费技能评价协议书，不予评价补贴"
        "（{cite_zh}）",
        "no free-evaluation agreement between the evaluation organisation and the applicant "
        "{applicant} is on record: no evaluation subsidy ({cite_en})",
    ),
    "evaluation.applicant_agreement:late": (
        "补贴申请人{applicant}的免费技能评价协议书签订于{signed_on}，晚于评价日期{evaluated_on}，"
        "不予评价补贴（{cite_zh}）",
        "the applicant {applicant} signed the free-evaluation agreement on {signed_on}, after "
        "the evaluation on {evaluated_on}: no evaluation subsidy ({cite_en})",
    ),
    "evaluation.certificate_kind:pass": (
        "取得{cert_zh}，属于可补贴的证书（{cite_zh}）",
        "obtained a {cert_en}, which is covered ({cite_en})",
    ),
    "evaluation.certificate_kind:none": (
        "未取得证书，不予评价补贴（{cite_zh}）",
        "no certificate was obtained: no evaluation subsidy ({cite_en})",
    ),
    "evaluation.certificate_kind:fail": (
        "{cert_zh}不属于可补贴的证书（{covered_zh}；{cite_zh}）",
        "a {cert_en} is not covered ({covered_en}; {cite_en})",
    ),
    "evaluation.level_matches_certificate:pass": (
        "证书与等级（{level_zh}）相符",
        "the certificate matches the level ({level_en})",
    ),
    "evaluation.level_matches_certificate:fail": (
        "证书（{cert_zh}）与等级（{level_zh}）不符：专项职业能力证书对应“专项职业能力”，"
        "其他证书对应技能等级",
        "the certificate ({cert_en}) does not match the level ({level_en}): a special ability "
        "certificate goes with 'special', other certificates with a skill level",
    ),
    "evaluation.amount:pass": (
        "{level_zh}的评价补贴标准为{amount}元（{cite_zh}）",
        "the evaluation subsidy for {level_en} is {amount} yuan ({cite_en})",
    ),
    "evaluation.amount:fail": (
        "本政策未规定{level_zh}的评价补贴标准，不予核定",
        "this pack states no evaluation subsidy amount for {level_en}",
    ),
    # 002 §四(二)1 and the national ladder: the highest level a person may be evaluated at.
    "evaluation.entry_level:pass": (
        "可申报{level_zh}评价：{basis_zh}（{cite_zh}）",
        "may take the {level_en} evaluation: {basis_en} ({cite_en})",
    ),
    "evaluation.entry_level:fail": (
        "{basis_zh}，最高可申报{max_zh}评价，不能申报{level_zh}（{cite_zh}）",
        "{basis_en}: may take at most the {max_en} evaluation, not {level_en} ({cite_en})",
    ),
    "evaluation.entry_level:off_ladder": (
        "专项职业能力考核不分等级，不受申报等级限制",
        "a special vocational ability assessment has no level: no entry level applies",
    ),
    "evaluation.entry_level:not_stated": (
        "本政策未规定职业技能等级评价的申报等级，不予受理{level_zh}评价",
        "this pack does not state the entry levels of skill evaluations, so the {level_en} "
        "evaluation is not booked",
    ),
    "employment.enterprise_recorded:pass": (
        "该企业已在企业名录登记，规模类型可查（{cite_zh}）",
        "the enterprise is recorded in the enterprise registry with its size class ({cite_en})",
    ),
    "employment.enterprise_recorded:fail": (
        "该企业未在企业名录登记，无法认定为中小微企业，不予补助（{cite_zh}）",
        "the enterprise is not recorded in the enterprise registry, so it cannot be taken for "
        "a small, medium or micro enterprise: no subsidy ({cite_en})",
    ),
    "employment.enterprise_size:pass": (
        "该企业为{size_zh}，属于可享受补助的{classes_zh}（{cite_zh}）",
        "the enterprise is a {size_en}, one of the classes that qualify: {classes_en} ({cite_en})",
    ),
    "employment.enterprise_size:fail": (
        "该企业为{size_zh}，不属于可享受补助的{classes_zh}，不予补助（{cite_zh}）",
        "the enterprise is a {size_en}, not one of the classes that qualify ({classes_en}): "
        "no subsidy ({cite_en})",
    ),
    "employment.size_evidence:pass": (
        "企业规模类型于{assessed_on}经认定，不晚于申报受理日{claimed_on}（{cite_zh}）",
        "the size class was assessed on {assessed_on}, no later than the day the claim was "
        "taken in, {claimed_on} ({cite_en})",
    ),
    "employment.size_evidence:fail": (
        "企业规模类型于{assessed_on}认定，晚于申报受理日{claimed_on}，不能作为本次申报的依据，"
        "不予补助（{cite_zh}）",
        "the size class was assessed on {assessed_on}, after the day the claim was taken in "
        "({claimed_on}), so it cannot support this claim: no subsidy ({cite_en})",
    ),
    "employment.size_evidence:missing": (
        "未登记企业规模类型的认定依据及认定日期，不予补助（{cite_zh}）",
        "no evidence of the enterprise's size class (and the day it was assessed) is recorded: "
        "no subsidy ({cite_en})",
    ),
    "employment.hire_year:pass": (
        "于{hired_on}吸纳，在申报年度（{year}年）内（{cite_zh}）",
        "hired on {hired_on}, within the year the claim is for ({year}) ({cite_en})",
    ),
    "employment.hire_year:fail": (
        "于{hired_on}吸纳，不在申报年度（{year}年）内，不予补助（{cite_zh}）",
        "hired on {hired_on}, not in the year the claim is for ({year}): no subsidy ({cite_en})",
    ),
    "employment.hire_year:not_required": (
        "本政策不限定吸纳年度（{cite_zh}）",
        "this pack does not limit the year of hiring ({cite_en})",
    ),
    "employment.certificate:pass": (
        "被吸纳人员持有证书（{cite_zh}）",
        "the hire holds a certificate ({cite_en})",
    ),
    "employment.certificate:not_required": (
        "本政策不要求持证（{cite_zh}）",
        "this pack requires no certificate ({cite_en})",
    ),
    "employment.certificate:fail": (
        "被吸纳人员未持有证书，不予补贴（{cite_zh}）",
        "the hire holds no certificate: no subsidy ({cite_en})",
    ),
    "employment.insured_months:pass": (
        "稳定就业并缴纳社会保险{months}个月，不少于{minimum}个月（{cite_zh}）",
        "{months} months of insured employment, at least {minimum} ({cite_en})",
    ),
    "employment.insured_months:fail": (
        "稳定就业并缴纳社会保险{months}个月，不足{minimum}个月（{cite_zh}）",
        "{months} months of insured employment, fewer than {minimum} ({cite_en})",
    ),
    "employment.in_province:pass": (
        "在省内就业（{cite_zh}）",
        "employed in the province ({cite_en})",
    ),
    "employment.in_province:fail": (
        "未在省内就业，不予补贴（{cite_zh}）",
        "not employed in the province: no subsidy ({cite_en})",
    ),
    "employment.enterprise_cap:pass": (
        "该企业此前已获补助{before}元，加上本次{amount}元未超过累计上限{cap}元（{cite_zh}）",
        "the enterprise got {before} yuan before; {amount} more stays within its cap of {cap} "
        "({cite_en})",
    ),
    "employment.enterprise_cap:partial": (
        "该企业此前已获补助{before}元，累计上限{cap}元，本次只补余额{amount}元（{cite_zh}）",
        "the enterprise got {before} yuan before; its cap is {cap}, so only the remaining "
        "{amount} yuan is granted ({cite_en})",
    ),
    "employment.enterprise_cap:fail": (
        "该企业已获补助{before}元，已达累计上限{cap}元（{cite_zh}）",
        "the enterprise already got {before} yuan, its cap of {cap} ({cite_en})",
    ),
    "voucher.validity:pass": (
        "培训券自{issued}起{days}日内有效，至{valid_until}（{cite_zh}）",
        "the voucher is valid {days} days from {issued}, until {valid_until} ({cite_en})",
    ),
    "voucher.validity:fail": (
        "本政策未规定培训券有效期，不予发券",
        "this pack states no voucher validity, so no voucher can be issued",
    ),
    "voucher.redeemed:pass": (
        "培训券于{redeemed_on}报名使用，在有效期内（至{valid_until}）（{cite_zh}）",
        "the voucher was used at enrolment on {redeemed_on}, within its validity (until "
        "{valid_until}) ({cite_en})",
    ),
    "voucher.redeemed:fail": (
        "培训券有效期至{valid_until}，{redeemed_on}报名时已过期，不能使用，也就不能兑现（{cite_zh}）",
        "the voucher was valid until {valid_until}: expired when it was used at enrolment on "
        "{redeemed_on}, so it could not be used nor settled ({cite_en})",
    ),
    "procedure.evaluation_deadline:pass": (
        "培训结束（{training_end}）后{days}日内（至{due}）完成评价（{evaluated_on}）（{cite_zh}）",
        "evaluated on {evaluated_on}, within {days} days after training ended on {training_end} "
        "(by {due}) ({cite_en})",
    ),
    "procedure.evaluation_deadline:fail": (
        "评价日期（{evaluated_on}）晚于培训结束（{training_end}）后{days}日（{due}）（{cite_zh}）",
        "evaluated on {evaluated_on}, later than {days} days after training ended on "
        "{training_end} ({due}) ({cite_en})",
    ),
    "procedure.attendance:pass": (
        "出勤{attended}/{scheduled}（{ratio}），达到结业要求{minimum}（{cite_zh}）",
        "attended {attended} of {scheduled} ({ratio}), at least {minimum} ({cite_en})",
    ),
    "procedure.attendance:fail": (
        "出勤{attended}/{scheduled}（{ratio}），未达到结业要求{minimum}（{cite_zh}）",
        "attended {attended} of {scheduled} ({ratio}), below {minimum} ({cite_en})",
    ),
    "teachers.full_time_share:pass": (
        "专职教师{full_time}人，占教师总数{total}人的{share_zh}，不低于{minimum_zh}（{cite_zh}）",
        "{full_time} of {total} teachers are full-time ({share_en}), at least {minimum_en} "
        "({cite_en})",
    ),
    "teachers.full_time_share:fail": (
        "专职教师{full_time}人，占教师总数{total}人的{share_zh}，低于{minimum_zh}（{cite_zh}）",
        "{full_time} of {total} teachers are full-time ({share_en}), below the minimum of "
        "{minimum_en} ({cite_en})",
    ),
    "teachers.full_time_share:no_teachers": (
        "未报告任何教师，不满足专职教师不少于教师总数{minimum_zh}的要求（{cite_zh}）",
        "no teachers reported: the full-time share of at least {minimum_en} is not met ({cite_en})",
    ),
    "teachers.full_time_share:not_applicable": (
        "专职教师比例要求适用于{types_zh}，{type_zh}不适用（{cite_zh}）",
        "the full-time share rule does not apply to this institution type ({type_en}; it "
        "applies to: {types_en}) ({cite_en})",
    ),
    "teachers.part_time_limit:pass": (
        "{year}年度本机构{count}名兼职教师任职培训机构均不超过{max}家（{cite_zh}）",
        "in {year}, none of the {count} part-time teachers teaches at more than {max} "
        "institutions ({cite_en})",
    ),
    "teachers.part_time_limit:none": (
        "{year}年度本机构无兼职教师（{cite_zh}）",
        "no part-time teachers in {year} ({cite_en})",
    ),
    "teachers.part_time_limit:fail": (
        "{year}年度兼职教师任职超过{max}家培训机构：{over_zh}（{cite_zh}）",
        "in {year}, part-time teachers teach at more than {max} institutions: {over_en} "
        "({cite_en})",
    ),
    "colleges.training_ratio:pass": (
        "年度职业技能培训{person_times}人次，不少于在校生{enrolled}人的{ratio_zh}"
        "（{required}人次）（{cite_zh}）",
        "{person_times} training person-times in the year, at least {ratio_en} of {enrolled} "
        "enrolled students ({required}) ({cite_en})",
    ),
    "colleges.training_ratio:fail": (
        "年度职业技能培训{person_times}人次，少于在校生{enrolled}人的{ratio_zh}"
        "（应不少于{required}人次）（{cite_zh}）",
        "{person_times} training person-times in the year, fewer than {ratio_en} of {enrolled} "
        "enrolled students ({required} needed) ({cite_en})",
    ),
    "colleges.training_ratio:no_enrolment": (
        "未报告在校生人数，无法核对年度职业技能培训人次是否不少于在校生人数的{ratio_zh}（{cite_zh}）",
        "no enrolment reported: cannot check that yearly training person-times reach "
        "{ratio_en} of enrolled students ({cite_en})",
    ),
    "colleges.training_ratio:not_applicable": (
        "{type_zh}不属于职业院校（{types_zh}），不适用培训人次要求（{cite_zh}）",
        "the person-times rule does not apply: {type_en} is not counted as a vocational college "
        "({types_en}) ({cite_en})",
    ),
    "procedure.attendance:not_stated": (
        "本政策未规定结业所需出勤率，无法认定结业",
        "this pack states no attendance needed for completion, so completion cannot be decided",
    ),
    "procedure.attendance:no_sessions": (
        "培训班没有课次，无法计算出勤率",
        "the class has no sessions, so attendance cannot be counted",
    ),
    "completion.assessment:pass": ("结业考核合格", "passed the final assessment"),
    "completion.assessment:fail": ("结业考核不合格", "failed the final assessment"),
    "completion.assessment:missing": ("尚未登记结业考核结果", "no assessment result recorded"),
    "commitment.allowed:pass": (
        "{reason_zh}可实行承诺制（{cite_zh}）",
        "{reason_en} may run under commitment ({cite_en})",
    ),
    "commitment.allowed:fail": (
        "本政策未允许{reason_zh}实行承诺制（{cite_zh}）",
        "this pack does not allow {reason_en} to run under commitment ({cite_en})",
    ),
    "commitment.signed:pass": ("已上传签署的承诺书", "the signed commitment is on file"),
    "commitment.signed:fail": ("未上传签署的承诺书", "no signed commitment is on file"),
    # The year's timetable (004 §四; warnings, never refusals).
    "timetable.training_end:pass": (
        "计划于{end}结束，不晚于{year}年完成培训任务的截止日期{due}（{cite_zh}）",
        "planned to end on {end}, by the deadline for {year}'s training, {due} ({cite_en})",
    ),
    "timetable.training_end:fail": (
        "计划于{end}结束，晚于{year}年完成培训任务的截止日期{due}（{cite_zh}）",
        "planned to end on {end}, after the deadline for {year}'s training, {due} ({cite_en})",
    ),
    "timetable.institutions_published:pass": (
        "{year}年承担培训任务的机构于{published}向社会公布，不晚于{due}（{cite_zh}）",
        "the institutions undertaking {year}'s training were published on {published}, "
        "by {due} ({cite_en})",
    ),
    "timetable.institutions_published:fail": (
        "{year}年承担培训任务的机构于{published}向社会公布，晚于规定的{due}（{cite_zh}）",
        "the institutions undertaking {year}'s training were published on {published}, "
        "after {due} ({cite_en})",
    ),
    "timetable.evaluation_orgs_published:pass": (
        "{year}年考核评价机构于{published}向社会公布，不晚于{due}（{cite_zh}）",
        "{year}'s evaluation organisations were published on {published}, by {due} ({cite_en})",
    ),
    "timetable.evaluation_orgs_published:fail": (
        "{year}年考核评价机构于{published}向社会公布，晚于规定的{due}（{cite_zh}）",
        "{year}'s evaluation organisations were published on {published}, after {due} ({cite_en})",
    ),
    "timetable.payment_window:pass": (
        "{paid}在资金支付期（{start}至{end}）内（{cite_zh}）",
        "{paid} is within the payment window ({start} to {end}) ({cite_en})",
    ),
    "timetable.payment_window:fail": (
        "{paid}不在资金支付期（{start}至{end}）内（{cite_zh}）",
        "{paid} is outside the payment window ({start} to {end}) ({cite_en})",
    ),
}


# Why a person may take the level they may (the {basis_zh}/{basis_en} of the checks above).
ENTRY_BASIS: dict[str, tuple[str, str]] = {
    "start": (
        "未持有本职业（工种）{kinds_zh}，从{start_zh}起申报",
        "holds no {kinds_en} of this occupation, so starts at {start_en}",
    ),
    "certificate": (
        "持有本职业（工种）{cert_level_zh}{cert_kind_zh}（{number}，{issued}发证），"
        "可申报高出其{step}个等级以内的评价",
        "holds the {cert_level_en} {cert_kind_en} {number} of this occupation (issued "
        "{issued}): up to {step} level(s) above it",
    ),
    "graduate": (
        "{school_kind_zh}毕业生（{school}，{major}专业，{graduated}毕业），可直接申报{grad_zh}",
        "a graduate of a {school_kind_en} ({school}, {major}, {graduated}): may go straight to "
        "{grad_en}",
    ),
}


def cite_fields(evidence: dict[str, Any]) -> dict[str, str]:
    """'依据 004 §四(五)' / 'per 004 §四(五)', flagged when the value is an assumption."""
    cite = evidence.get("cite") or ""
    if evidence.get("assumed"):
        return {"cite_zh": f"依据 {cite}，假定值", "cite_en": f"per {cite}, assumed"}
    return {"cite_zh": f"依据 {cite}", "cite_en": f"per {cite}"}


def check(code: str, passed: bool, evidence: dict[str, Any], variant: str = "", **shown: Any):
    """A RuleCheck with its messages: template `code:variant` (pass/fail when no variant)."""
    key = _template_key(code, passed, variant)
    zh, en = TEMPLATES[key]
    values = cite_fields(evidence) | shown
    return RuleCheck(code, passed, zh.format(**values), en.format(**values), evidence)


def _template_key(code: str, passed: bool, variant: str) -> str:
    family = code
    if code.endswith(".category"):
        family = "category"
    elif code.endswith(".stated"):
        family = "stated"
    return f"{family}:{variant or ('pass' if passed else 'fail')}"


def names(table: dict, codes, lang: str) -> str:
    """Display names of codes joined for a sentence."""
    pick = labels.zh if lang == "zh" else labels.en
    separator = "、" if lang == "zh" else ", "
    return separator.join(pick(table, code) for code in codes) or ("无" if lang == "zh" else "none")


def claim_list(claim_ids: list[str]) -> str:
    return ", ".join(claim_ids)
