"""zh-hans translations of the core of subsidy claims (补贴申领): making training and evaluation
claims, the claim's own rule checks kept in each line's decision, submitting, withdrawing,
top-ups (补差), free-evaluation agreements and numbers; applied by `scripts/i18n`."""

ZH = {
    # The claim's own checks (stored in both languages in each line's decision)
    "Completed the class that ended on %(end)s.": "已结业（培训结束于%(end)s）。",
    "Did not complete the class (%(reason)s): no training subsidy.": (
        "未结业（%(reason)s），不予职业培训补贴。"
    ),
    "Subsidy standard for %(occupation)s at %(level)s in %(region)s (%(year)s): "
    "%(amount)s yuan.": "%(occupation)s%(level)s在%(region)s的补贴标准（%(year)s年）为%(amount)s元。",
    "No subsidy standard is set for %(occupation)s at %(level)s in %(region)s for "
    "%(year)s: the line cannot be priced.": (
        "%(region)s未设定%(occupation)s%(level)s%(year)s年的补贴标准，无法核定补贴金额。"
    ),
    "The subsidy standard for %(occupation)s at %(level)s in %(region)s (%(year)s) is "
    "0 yuan: nothing can be granted.": (
        "%(occupation)s%(level)s在%(region)s的补贴标准（%(year)s年）为0元，无可核定的补贴。"
    ),
    "Passed the evaluation on %(date)s.": "%(date)s参加职业技能评价，成绩合格。",
    "Did not pass the evaluation on %(date)s (theory %(theory)s, practical %(practical)s): "
    "no certificate, no evaluation subsidy.": (
        "%(date)s参加职业技能评价未通过（理论%(theory)s分，实操%(practical)s分），"
        "未取得证书，不予评价补贴。"
    ),
    "Certificate %(number)s was revoked on %(date)s: it earns no subsidy.": (
        "证书%(number)s已于%(date)s撤销，不予补贴。"
    ),
    "Top-up of claim %(claim)s: this decision grants %(new)s yuan, %(before)s yuan were "
    "granted before; the difference, %(amount)s yuan, is claimed.": (
        "补差（原申请%(claim)s）：本次核定%(new)s元，此前已核定%(before)s元，"
        "申请补差%(amount)s元。"
    ),
    "Top-up of claim %(claim)s: this decision grants %(new)s yuan, no more than the "
    "%(before)s yuan granted before: nothing to top up.": (
        "补差（原申请%(claim)s）：本次核定%(new)s元，未超过此前已核定的%(before)s元，无需补差。"
    ),
    # Who may claim
    "Your role does not make subsidy claims.": "您的角色不能申报补贴。",
    "Only %(org)s makes claims for its own work.": "只有%(org)s可以为本单位的工作申报补贴。",
    "Only the evaluation organisation or its bureau records its agreements.": (
        "只有评价机构本身或其所属人社部门可以登记免费技能评价协议。"
    ),
    # Making claims, out of order
    "Region %(region)s is not in the catalog: no claim can be made there.": (
        "行政区划%(region)s不在目录中，无法申报补贴。"
    ),
    "%(org)s has no bureau above it.": "%(org)s没有上级人社部门。",
    "%(what)s is already claimed in %(number)s (“%(state)s”).": (
        "%(what)s已在补贴申请%(number)s中申报（“%(state)s”）。"
    ),
    "Class %(code)s": "培训班%(code)s",
    "The evaluation of class %(code)s": "培训班%(code)s的评价",
    "Only a completed class is claimed for: class %(code)s is “%(state)s”.": (
        "只有已结业的培训班才能申报补贴：培训班%(code)s为“%(state)s”。"
    ),
    "The class has no trainee to claim for.": "该培训班没有可申报补贴的学员。",
    "Only an evaluation whose results are all recorded is claimed for: the booking is "
    "“%(state)s”.": "只有已登记全部评价结果的评价才能申报补贴：该预约为“%(state)s”。",
    "An evaluation subsidy is claimed under the organisation's own free-evaluation agreement "
    "(004 §四(五)).": "职业技能评价补贴须依据本评价机构签订的免费技能评价协议申报（004 §四(五)）。",
    "Agreement %(number)s is in force from %(start)s to %(end)s, not on the evaluation date "
    "%(date)s.": "协议%(number)s的有效期为%(start)s至%(end)s，不含评价日期%(date)s。",
    "The evaluation has no result to claim for.": "该评价没有可申报补贴的结果。",
    "Only a draft is decided again: claim %(number)s is “%(state)s”.": (
        "只有草稿可以重新核定：补贴申请%(number)s为“%(state)s”。"
    ),
    "A claim without lines cannot be submitted.": "没有明细的补贴申请不能提交。",
    "Subsidy claim %(number)s submitted: %(amount)s yuan": "提交补贴申请%(number)s：%(amount)s元",
    "Give the reason for the withdrawal.": "请填写撤回原因。",
    "Subsidy claim %(number)s withdrawn": "撤回补贴申请%(number)s",
    # Top-ups
    "Only a training subsidy is topped up for later employment.": (
        "只有职业培训补贴可以因培训后就业而补差。"
    ),
    "Claim %(number)s is itself a top-up: top up claim %(original)s instead.": (
        "补贴申请%(number)s本身是补差申请，请对原申请%(original)s补差。"
    ),
    "Claim %(number)s is “%(state)s”: only a submitted claim is topped up (a draft is decided "
    "again instead).": "补贴申请%(number)s为“%(state)s”：只有已提交的申请可以补差（草稿请重新核定）。",
    # Free-evaluation agreements
    "The agreement ends before it starts.": "协议的截止日期早于开始日期。",
    "The agreement is signed after it ends.": "协议的签订日期晚于截止日期。",
    "Give the agreement's number.": "请填写协议编号。",
    "An agreement is signed with a bureau.": "协议须与人社部门签订。",
    "Agreement %(number)s is already recorded.": "协议%(number)s已登记。",
    # Numbers
    "“%(prefix)s” cannot prefix a number.": "“%(prefix)s”不能用作编号前缀。",
}
