"""zh-hans translations of the employment subsidy claims (就业补贴申领, 002 §四(三)1): the
messages of jineng.claims.employment; applied to the .po file by `scripts/i18n`. Messages
already translated elsewhere (the pack not found, the bureau outside the region) are not
repeated: one msgid has one translation."""

ZH = {
    "Only the bureau takes in employment subsidy claims.": "只有人社部门可以受理就业补贴申请。",
    "This is not an employment subsidy.": "这不是就业补贴。",
    "Employment claims are taken in by a bureau.": "就业补贴申请由人社部门受理。",
    "Give the name of the enterprise or agency.": "请填写企业或人力资源服务机构的名称。",
    "The payee's name is too long.": "领取单位名称过长。",
    "List at least one person hired or placed.": "请至少列出一名吸纳或介绍就业的人员。",
    "%(name)s is listed twice: a person is claimed once.": "%(name)s在名单中出现两次：同一人只能申领一次。",
    "The day %(name)s was hired or placed must be a past date.": "%(name)s的吸纳或介绍就业日期须为已过去的日期。",
    "A person listed is outside your region.": "名单中有人员不在您的管辖区域内。",
    "The bureau %(bureau)s has no region: no policy pack can decide its claims.": "%(bureau)s未设行政区划，无法按政策包审核其申请。",
    "Already claimed by this payee: %(lines)s.": "该单位已为以下人员申领过补助：%(lines)s。",
    "The lines of a claim that is “%(state)s” are no longer decided again.": "申请处于“%(state)s”状态，其明细不再重新核定。",
}
