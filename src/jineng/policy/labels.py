"""Display names (zh-hans, en) of the shared codes, for pack descriptions and decision messages.

The codes themselves live in codes.py; the catalogs hold the names users edit. These are the
fixed names the policy engine prints when it explains a rule or a decision.
"""

from __future__ import annotations

from .codes import (
    CertificateKind,
    CommitmentReason,
    EnterpriseSize,
    InstitutionType,
    LicenceType,
    PersonCategory,
    SchoolKind,
    SubsidyType,
    TrainingType,
)

CATEGORY = {
    PersonCategory.POVERTY_MONITORING: (
        "防止返贫监测对象",
        "monitored against relapse into poverty",
    ),
    PersonCategory.GRADUATE: ("毕业年度高校毕业生", "college graduate in the graduation year"),
    PersonCategory.SCHOOL_LEAVER: (
        "城乡未继续升学的应届初高中毕业生",
        "school leaver not continuing studies",
    ),
    PersonCategory.RURAL_MIGRANT: ("农村转移就业劳动者", "rural worker moving into employment"),
    PersonCategory.REGISTERED_UNEMPLOYED: ("城镇登记失业人员", "registered urban unemployed"),
    PersonCategory.EMPLOYMENT_DIFFICULTY: ("就业困难人员", "person with employment difficulties"),
    PersonCategory.ENTERPRISE_EMPLOYEE: ("企业职工", "enterprise employee"),
    PersonCategory.VETERAN: ("退役军人", "veteran"),
    PersonCategory.DISABLED: ("残疾人", "person with a disability"),
    PersonCategory.LIFTED_FROM_POVERTY: ("脱贫劳动力", "worker lifted out of poverty"),
    PersonCategory.RELOCATED: ("易地搬迁劳动力", "relocated worker"),
    PersonCategory.FLEXIBLE: ("灵活就业人员", "flexibly employed worker"),
    PersonCategory.FULL_TIME_STUDENT: ("全日制在校生", "full-time student"),
}
# Group words a pack may use in a category list instead of codes.
CATEGORY_GROUP = {
    "six": ("六类人员", "the six categories"),
    "any": ("符合条件的劳动者（不限人员类别）", "any eligible worker (no category required)"),
}

TRAINING_TYPE = {
    TrainingType.EMPLOYMENT_SKILLS: ("就业技能培训", "employment skills training"),
    TrainingType.JOB_SKILLS_UPGRADE: ("岗位技能提升培训", "on-the-job skills upgrading"),
    TrainingType.ENTREPRENEURSHIP: ("创业培训", "entrepreneurship training"),
    TrainingType.APPRENTICESHIP: ("企业新型学徒制培训", "enterprise apprenticeship"),
    TrainingType.PRE_EMPLOYMENT: ("劳动预备制培训", "pre-employment training"),
    TrainingType.SPECIAL_ABILITY: ("专项能力培训", "special ability training"),
}

COMMITMENT_REASON = {
    CommitmentReason.LARGE_ENTERPRISE: ("大型企业培训", "training by a large enterprise"),
    CommitmentReason.PRE_JOB: ("岗前培训", "pre-job training"),
    CommitmentReason.CROSS_PROVINCE: (
        "跨省劳务输出培训",
        "training for cross-province labour export",
    ),
}

CERTIFICATE_KIND = {
    CertificateKind.QUALIFICATION: ("职业资格证书", "vocational qualification certificate"),
    CertificateKind.SKILL_LEVEL: ("职业技能等级证书", "skill level certificate"),
    CertificateKind.SPECIAL_ABILITY: ("专项职业能力证书", "special vocational ability certificate"),
    CertificateKind.TRAINING_COMPLETION: ("培训合格证书", "training completion certificate"),
}

LICENCE_TYPE = {
    LicenceType.SECURITY_GUARD: ("保安员证", "security guard certificate"),
    LicenceType.ELECTRICAL_WORK: (
        "特种作业操作证（电工作业）",
        "special operation certificate (electrical work)",
    ),
    LicenceType.WELDING_WORK: (
        "特种作业操作证（焊接与热切割作业）",
        "special operation certificate (welding and thermal cutting)",
    ),
    LicenceType.SPECIAL_EQUIPMENT: (
        "特种设备安全管理和作业人员证",
        "special equipment operator certificate",
    ),
    LicenceType.CONSTRUCTION_SPECIAL_WORK: (
        "建筑施工特种作业操作资格证",
        "construction special operation certificate",
    ),
}

SUBSIDY_TYPE = {
    SubsidyType.TRAINING: ("职业培训补贴", "training subsidy"),
    SubsidyType.EVALUATION: ("职业技能评价补贴", "skill evaluation subsidy"),
    SubsidyType.EMPLOYMENT_SME: ("中小微企业吸纳持证人员一次性补助", "SME hiring subsidy"),
    SubsidyType.EMPLOYMENT_AGENCY: ("人力资源服务机构介绍就业补贴", "HR agency placement subsidy"),
}

# 《中小企业划型标准规定》(工信部联企业〔2011〕300号): 中小微企业 are its medium, small and micro
# classes.
ENTERPRISE_SIZE = {
    EnterpriseSize.LARGE: ("大型企业", "large enterprise"),
    EnterpriseSize.MEDIUM: ("中型企业", "medium-sized enterprise"),
    EnterpriseSize.SMALL: ("小型企业", "small enterprise"),
    EnterpriseSize.MICRO: ("微型企业", "micro enterprise"),
}

LEVEL = {
    "special": ("专项职业能力", "special vocational ability"),
    "apprentice": ("学徒工", "apprentice"),
    "5": ("五级/初级工", "level 5 (junior)"),
    "4": ("四级/中级工", "level 4 (intermediate)"),
    "3": ("三级/高级工", "level 3 (senior)"),
    "2": ("二级/技师", "level 2 (technician)"),
    "1": ("一级/高级技师", "level 1 (senior technician)"),
    "principal": ("特级技师", "principal technician"),
    "chief": ("首席技师", "chief technician"),
}

SCHOOL_KIND = {
    SchoolKind.SECONDARY_VOCATIONAL: (
        "中等职业学校（中专、职业高中）",
        "secondary vocational school",
    ),
    SchoolKind.TECHNICAL_SCHOOL: ("技工学校（中级工班）", "technical school (intermediate class)"),
    SchoolKind.SENIOR_TECHNICAL_SCHOOL: (
        "高级技工学校、技师学院（高级工班）",
        "senior technical school or technician college",
    ),
    SchoolKind.HIGHER_VOCATIONAL: ("高等职业学校（高职、专科）", "higher vocational college"),
    SchoolKind.UNDERGRADUATE_APPLIED: (
        "本科院校应用型专业",
        "undergraduate college, applied programme",
    ),
    SchoolKind.UNDERGRADUATE: ("本科院校其他专业", "undergraduate college, other programme"),
}

WINDOW = {
    "lifetime": ("每人累计", "per person, over a lifetime"),
    "calendar_year": ("每人每个自然年度", "per person and calendar year"),
}

UNIQUE_BY = {
    "occupation_level": ("同一职业（工种）同一等级", "the same occupation at the same level"),
    "occupation": ("同一职业（工种）", "the same occupation"),
}

PAYEE = {
    "evaluation_org": ("考核评价机构", "the evaluation organisation"),
    "institution": ("培训机构", "the training institution"),
    "person": ("劳动者本人", "the worker"),
}

INSTITUTION_TYPE = {
    InstitutionType.ENTERPRISE: ("企业", "enterprise"),
    InstitutionType.TECHNICAL_SCHOOL: ("技工院校", "technical school"),
    InstitutionType.VOCATIONAL_COLLEGE: ("职业院校", "vocational college"),
    InstitutionType.PRIVATE_SCHOOL: ("民办职业培训学校", "private vocational training school"),
    InstitutionType.PUBLIC_CENTRE: ("公共实训基地", "public training base"),
    InstitutionType.HIGH_SKILL_BASE: ("高技能人才培训基地", "high-skill talent training base"),
    InstitutionType.MASTER_STUDIO: ("技能大师工作室", "skill master studio"),
    InstitutionType.INDUSTRY_ORGANISATION: ("行业组织", "industry organisation"),
}

TEACHER_WINDOW = {
    "calendar_year": ("每个自然年度", "per calendar year"),
}

# The day on which a trainee's person categories count, for the roster and the claim alike.
CATEGORY_DATE = {
    "class_start": ("开班日期（培训首日）", "the class's first day"),
    "class_end": ("结业日期（培训末日）", "the class's last day"),
    "enrolment": ("学员入班日期", "the day of enrolment"),
}

TIER = {
    "employed": ("培训后已实现就业", "employed after training"),
    "certificate": ("取得证书", "certificate obtained"),
    "completion_only": ("仅取得培训合格证书", "training completion certificate only"),
    # 004 §四(五) first paragraph: trainees outside the tiers' scope, certified.
    "standard": ("取得证书，按补贴标准", "certificate obtained, paid by the standard"),
}


def zh(table: dict, code: str) -> str:
    return table.get(code, (code, code))[0]


def en(table: dict, code: str) -> str:
    return table.get(code, (code, code))[1]


def category_list(codes, lang: str) -> str:
    """A category list (codes or group words) as display text."""
    index = 0 if lang == "zh" else 1
    separator = "、" if lang == "zh" else ", "
    names = []
    for code in codes:
        table = CATEGORY_GROUP if code in CATEGORY_GROUP else CATEGORY
        names.append(table.get(code, (code, code))[index])
    return separator.join(names)
