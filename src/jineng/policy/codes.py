"""Codes shared by the policy packs, the engine and the catalogs (which hold their display names).

Names follow DOMAIN.md and the seeds; a code never changes once data refers to it.
"""

from enum import StrEnum


class PersonCategory(StrEnum):
    """人员类别. Which of them are "the six categories" is a policy pack's list (004 §二)."""

    POVERTY_MONITORING = "poverty_monitoring"  # 防止返贫监测对象
    GRADUATE = "graduate"  # 毕业年度高校毕业生
    SCHOOL_LEAVER = "school_leaver"  # 城乡未继续升学的应届初高中毕业生
    RURAL_MIGRANT = "rural_migrant"  # 农村转移就业劳动者
    REGISTERED_UNEMPLOYED = "registered_unemployed"  # 城镇登记失业人员
    EMPLOYMENT_DIFFICULTY = "employment_difficulty"  # 就业困难人员
    ENTERPRISE_EMPLOYEE = "enterprise_employee"  # 企业职工
    VETERAN = "veteran"  # 退役军人
    DISABLED = "disabled"  # 残疾人
    LIFTED_FROM_POVERTY = "lifted_from_poverty"  # 脱贫劳动力
    RELOCATED = "relocated"  # 易地搬迁劳动力
    FLEXIBLE = "flexible"  # 灵活就业人员
    FULL_TIME_STUDENT = "full_time_student"  # 全日制在校生 (not a trainee of 就业技能培训)


class TrainingType(StrEnum):
    EMPLOYMENT_SKILLS = "employment_skills"  # 就业技能培训
    JOB_SKILLS_UPGRADE = "job_skills_upgrade"  # 岗位技能提升培训
    ENTREPRENEURSHIP = "entrepreneurship"  # 创业培训
    APPRENTICESHIP = "apprenticeship"  # 企业新型学徒制培训
    PRE_EMPLOYMENT = "pre_employment"  # 劳动预备制培训
    SPECIAL_ABILITY = "special_ability"  # 专项能力培训


class CertificateKind(StrEnum):
    QUALIFICATION = "qualification"  # 职业资格证书
    SKILL_LEVEL = "skill_level"  # 职业技能等级证书
    SPECIAL_ABILITY = "special_ability"  # 专项职业能力证书
    TRAINING_COMPLETION = "training_completion"  # 培训合格证书


class CommitmentReason(StrEnum):
    """Kinds of training that may run under the commitment regime (承诺制, 004 §五(二))."""

    LARGE_ENTERPRISE = "large_enterprise"  # 大型企业培训
    PRE_JOB = "pre_job"  # 岗前培训
    CROSS_PROVINCE = "cross_province"  # 跨省开展的劳务输出培训


class SchoolKind(StrEnum):
    """The school a person graduated from, for the entry level of skill evaluations (申报等级):
    002 §四(二)1 中等职业学校毕业生可直接参加中级工评价，高等职业学校、本科院校应用型专业
    毕业生可参加高级工评价. Which kind leads to which level is a pack's rule
    (entry_levels.graduates)."""

    SECONDARY_VOCATIONAL = "secondary_vocational"  # 中等职业学校（中专、职业高中）
    TECHNICAL_SCHOOL = "technical_school"  # 技工学校（中级工班）
    SENIOR_TECHNICAL_SCHOOL = "senior_technical_school"  # 高级技工学校、技师学院（高级工班）
    HIGHER_VOCATIONAL = "higher_vocational"  # 高等职业学校（高职、专科）
    UNDERGRADUATE_APPLIED = "undergraduate_applied"  # 本科院校应用型专业
    UNDERGRADUATE = "undergraduate"  # 本科院校其他专业


class LicenceType(StrEnum):
    """从业资格: the licences a person must already hold before subsidised training in an
    occupation that requires one (004 §五(一): 保安员、电工、焊工等有从业资格要求的职业). Which
    occupation needs which licence is a policy pack's list (training.licence_required)."""

    SECURITY_GUARD = "security_guard"  # 保安员证
    ELECTRICAL_WORK = "electrical_work"  # 特种作业操作证（电工作业）
    WELDING_WORK = "welding_work"  # 特种作业操作证（焊接与热切割作业）
    SPECIAL_EQUIPMENT = "special_equipment"  # 特种设备安全管理和作业人员证
    CONSTRUCTION_SPECIAL_WORK = "construction_special_work"  # 建筑施工特种作业操作资格证


class SubsidyType(StrEnum):
    TRAINING = "training"  # 职业培训补贴
    EVALUATION = "evaluation"  # 职业技能评价补贴
    EMPLOYMENT_SME = "employment_sme"  # 中小微企业吸纳持证人员一次性补助
    EMPLOYMENT_AGENCY = "employment_agency"  # 人力资源服务机构介绍就业补贴


class EnterpriseSize(StrEnum):
    """企业规模类型 by 《中小企业划型标准规定》(工信部联企业〔2011〕300号) or its successor."""

    LARGE = "large"  # 大型企业
    MEDIUM = "medium"  # 中型企业
    SMALL = "small"  # 小型企业
    MICRO = "micro"  # 微型企业


class InstitutionType(StrEnum):
    """培训机构类型: the institution type codes the Django side uses (institutions app)."""

    ENTERPRISE = "enterprise"  # 企业
    TECHNICAL_SCHOOL = "technical_school"  # 技工院校
    VOCATIONAL_COLLEGE = "vocational_college"  # 职业院校
    PRIVATE_SCHOOL = "private_school"  # 民办职业培训学校
    PUBLIC_CENTRE = "public_centre"  # 公共实训基地
    HIGH_SKILL_BASE = "high_skill_base"  # 高技能人才培训基地
    MASTER_STUDIO = "master_studio"  # 技能大师工作室
    INDUSTRY_ORGANISATION = "industry_organisation"  # 行业组织


# 技能等级 by rank: a larger rank is a higher level. 专项职业能力 has no level ("special").
LEVEL_RANKS = {
    "special": 0,  # 专项职业能力 (no level)
    "apprentice": 1,  # 学徒工 (eight-level ladder)
    "5": 2,  # 五级/初级工
    "4": 3,  # 四级/中级工
    "3": 4,  # 三级/高级工
    "2": 5,  # 二级/技师
    "1": 6,  # 一级/高级技师
    "principal": 7,  # 特级技师
    "chief": 8,  # 首席技师
}
HIGH_SKILL_MIN_RANK = LEVEL_RANKS["3"]  # high-skill means 高级工 and above (DOMAIN.md)
