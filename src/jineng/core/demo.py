"""Demo data on the bureaus of Henan, Shangqiu and its counties (002 附件1) that `jineng setup`
made: the city departments (002 附件2), a few institutions and evaluation organisations, and
one user per role.

Loading is idempotent: rows are looked up by their code or username and only missing ones are
created (through the services, so they are audited like any other write). A second run changes
nothing.
"""

from dataclasses import dataclass

from django.db import transaction
from stdnum.cn import uscc

from jineng.core import services
from jineng.core.models import Organisation, User
from jineng.core.roles import OrgKind, Role

DEMO_PASSWORD = "Jineng@2026"  # noqa: S105 - the demo's published password, never production

# The bureaus of Henan, Shangqiu and its ten county-level units (002 附件1) come first, from
# `jineng setup --region 411400` (jineng.catalog.setup, whose demo then loads these):
# 城乡一体化示范区 has no GB/T 2260 code, so the catalog demo adds its local code 411499 first.
CITY = "411400"

# 002 附件2: the 28 city-level units with training targets, in the order of the seed.
DEPARTMENTS = [
    "市教育体育局",
    "市科技局",
    "市工业和信息化局",
    "市公安局",
    "市民政局",
    "市司法局",
    "市人力资源社会保障局",
    "市自然资源和规划局",
    "市房城乡建设局",
    "市交通运输局",
    "市农业农村局",
    "市商务局",
    "市文化广电和旅游局",
    "市卫生健康委",
    "市退役军人局",
    "市应急局",
    "市财政局",
    "市市场监管局",
    "市粮食和储备局",
    "市乡村振兴局",
    "市政务服务和大数据局",
    "市通信发展管理办公室",
    "市邮政管理局",
    "市供销社",
    "市总工会",
    "团委",
    "市妇联",
    "市残联",
]


def department_name(seed_name: str) -> str:
    """The seed writes 市教育体育局 for 商丘市教育体育局, and 团委 for 共青团商丘市委."""
    return "共青团商丘市委" if seed_name == "团委" else "商丘" + seed_name


@dataclass(frozen=True)
class DemoOrg:
    kind: str
    name: str
    parent_code: str
    region_code: str
    serial: int  # makes a distinct, check-digit-valid 统一社会信用代码


INSTITUTIONS = [
    DemoOrg(OrgKind.INSTITUTION, "商丘市鸿鹄职业技能培训学校", "411400", "411400", 1),
    DemoOrg(OrgKind.INSTITUTION, "梁园区启航职业培训学校", "411402", "411402", 2),
    DemoOrg(OrgKind.INSTITUTION, "永城市技工学校", "411481", "411481", 3),
    DemoOrg(OrgKind.INSTITUTION, "民权县巧手家政职业培训学校", "411421", "411421", 4),
]
EVALUATION_ORGS = [
    DemoOrg(OrgKind.EVALUATION_ORG, "商丘市职业技能等级认定评价中心", "411400", "411400", 11),
    DemoOrg(OrgKind.EVALUATION_ORG, "永城市煤化工企业技能评价站", "411481", "411481", 12),
]

# One user per role, plus a county reviewer to show the narrower scope.
USERS = [
    ("admin", "系统管理员", "410000", [Role.SYSTEM_ADMIN]),
    # 三权分立: accounts and roles are the security administrator's, the audit log the audit
    # administrator's (core.roles.ADMINISTRATOR_ROLES).
    ("secadmin", "安全管理员", "410000", [Role.SECURITY_ADMIN]),
    ("auditadmin", "审计管理员", "410000", [Role.AUDIT_ADMIN]),
    ("city_reviewer", "商丘市审核员", "411400", [Role.REVIEWER]),
    ("county_reviewer", "梁园区审核员", "411402", [Role.REVIEWER]),
    ("finance", "市财政局审计员", "DEPT-411400-17", [Role.FINANCE_AUDIT]),
    ("department", "市总工会专员", "DEPT-411400-25", [Role.DEPARTMENT_STAFF]),
    ("institution", "鸿鹄培训学校管理员", None, [Role.INSTITUTION_STAFF]),
    ("evaluator", "评价中心管理员", None, [Role.EVALUATION_STAFF]),
    ("worker", "张三", "411402", [Role.WORKER]),
]


def demo_uscc(org: DemoOrg) -> str:
    """A check-digit-valid code: registration authority 5 (民政, private non-enterprise units),
    type 2, the region, and a serial."""
    body = f"52{org.region_code}MJ{org.serial:07d}"
    return body + uscc.calc_check_digit(body)


@dataclass
class LoadReport:
    created_orgs: int = 0
    created_users: int = 0

    def __str__(self) -> str:
        return f"{self.created_orgs} organisations and {self.created_users} users created"


def _ensure_org(report: LoadReport, *, kind, name, code, parent, region_code="") -> Organisation:
    existing = Organisation.objects.filter(code=code).first()
    if existing:
        return existing
    report.created_orgs += 1
    return services.create_organisation(
        kind=kind, name=name, code=code, parent=parent, region_code=region_code
    )


@transaction.atomic
def load_organisations_and_users() -> LoadReport:
    report = LoadReport()
    city = Organisation.objects.get(code=CITY)
    for number, name in enumerate(DEPARTMENTS, start=1):
        _ensure_org(
            report,
            kind=OrgKind.DEPARTMENT,
            name=department_name(name),
            code=f"DEPT-411400-{number:02d}",
            parent=city,
            region_code=CITY,
        )
    for org in INSTITUTIONS + EVALUATION_ORGS:
        _ensure_org(
            report,
            kind=org.kind,
            name=org.name,
            code=demo_uscc(org),
            parent=Organisation.objects.get(code=org.parent_code),
            region_code=org.region_code,
        )
    defaults = {
        Role.INSTITUTION_STAFF: demo_uscc(INSTITUTIONS[0]),
        Role.EVALUATION_STAFF: demo_uscc(EVALUATION_ORGS[0]),
    }
    for username, full_name, org_code, roles in USERS:
        if User.objects.filter(username=username).exists():
            continue
        organisation = Organisation.objects.get(code=org_code or defaults[roles[0]])
        services.create_user(
            username=username,
            password=DEMO_PASSWORD,
            organisation=organisation,
            roles=list(roles),
            full_name=full_name,
        )
        report.created_users += 1
    return report


def logins() -> list[tuple[str, str, str]]:
    """(username, roles, organisation) of every demo user, for printing."""
    rows = []
    for username, _name, _code, _roles in USERS:
        user = User.objects.select_related("organisation").get(username=username)
        rows.append((username, "、".join(user.role_labels()), str(user.organisation)))
    return rows
