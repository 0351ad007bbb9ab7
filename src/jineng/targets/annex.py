"""002 附件1 and 附件2 as printed, and the programmes of 002 §三 with their yearly targets.

data/shangqiu-2022-annex.txt is the seed's two tables, line for line and unchanged (including
附件2's 市房城乡建设局); this module parses it. Figures are in 万 as printed and become whole
persons here (0.448 → 4480), exactly: a figure finer than one person is refused.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from jineng.targets.models import WAN

ANNEX_FILE = Path(__file__).parent / "data" / "shangqiu-2022-annex.txt"
DOCUMENT_NUMBER = "商政办〔2022〕9号"
# The measures of the tables' three columns, in their order.
ANNEX_MEASURES = ("training", "new_skilled", "new_high_skilled")
ROW = re.compile(r"^(\d+) \| ([^|]+?) \| ([^|]+?) \| ([^|]+?) \| ([^|]+?) \|$")


def wan_to_persons(text: str) -> int:
    """A figure in 万 as printed (“0.448”) as whole persons (4480); not a whole number of
    persons, negative or not a number: ValueError."""
    try:
        value = Decimal(text.strip()) * WAN
    except InvalidOperation:
        raise ValueError(f"not a number: {text!r}") from None
    if value < 0 or value != value.to_integral_value():
        raise ValueError(f"not a whole number of persons: {text!r}")
    return int(value)


def persons_to_wan(value: int | None) -> str:
    """Whole persons in 万 as the seed prints them: 4480 → “0.448”, 35000 → “3.5”, 0 → “0”."""
    if value is None:
        return ""
    text = format(Decimal(value) / WAN, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


@dataclass(frozen=True)
class AnnexRow:
    number: int
    name: str  # as printed
    values: tuple[int, int, int]  # persons, in ANNEX_MEASURES order


@dataclass(frozen=True)
class AnnexTable:
    annex: str  # 附件1 / 附件2
    title: str
    rows: tuple[AnnexRow, ...]


def lines() -> list[str]:
    return ANNEX_FILE.read_text(encoding="utf-8").splitlines()


def parse(text_lines: list[str] | None = None) -> dict[str, AnnexTable]:
    """The two tables by their 附件 heading: {"附件1": ..., "附件2": ...}."""
    tables: dict[str, AnnexTable] = {}
    annex, title, rows = None, "", []
    for line in lines() if text_lines is None else text_lines:
        if line.startswith("附件") and len(line) <= 4:
            if annex:
                tables[annex] = AnnexTable(annex, title, tuple(rows))
            annex, title, rows = line, "", []
        elif line.startswith("2022年"):
            title = line.split(" |")[0].strip()
        elif match := ROW.match(line):
            number, name, *figures = match.groups()
            values = tuple(wan_to_persons(figure) for figure in figures)
            rows.append(AnnexRow(int(number), name.strip(), values))
    if annex:
        tables[annex] = AnnexTable(annex, title, tuple(rows))
    return tables


# 附件1's units and their region codes (GB/T 2260; 示范区 has the local code 411499).
COUNTY_CODES = {
    "梁园区": "411402",
    "睢阳区": "411403",
    "示范区": "411499",
    "永城市": "411481",
    "夏邑县": "411426",
    "虞城县": "411425",
    "柘城县": "411424",
    "睢县": "411422",
    "宁陵县": "411423",
    "民权县": "411421",
}

# §三's 责任单位 named otherwise in 附件2 (the departments' names): 市住房城乡建设局 is printed
# 市房城乡建设局 in 附件2, 市邮政局 is 市邮政管理局, 团市委 is 团委.
RESPONSIBLE_ALIASES = {
    "市住房城乡建设局": "市房城乡建设局",
    "市邮政局": "市邮政管理局",
    "团市委": "团委",
}


@dataclass(frozen=True)
class ProgrammeSpec:
    number: int
    name: str
    targets_text: str  # as printed in §三
    responsible: str  # as printed
    training: int | None
    certified: int | None
    certified_high: int | None = None
    certified_rate: int | None = None  # %: (十) 取证率百分之百
    apprenticeship: int | None = None  # (一) 其中企业新型学徒制培训

    def departments(self) -> list[str]:
        """The 附件2 names of the responsible city departments (others, e.g. the county
        governments or 市城市管理局, have no row in 附件2)."""
        names = [RESPONSIBLE_ALIASES.get(n, n) for n in re.split("、", self.responsible)]
        return [name for name in names if name.startswith(("市", "团"))]


PROGRAMMES = [
    ProgrammeSpec(1, "先进制造业和战略性新兴产业技能提升计划",
                  "全市年培训6.5万人次以上,其中企业新型学徒制培训0.15万人次以上。培训后取证人数不低于5.8万人,其中高级证书人数不低于1.7万人。",
                  "各县〔市、区〕人民政府、城乡一体化示范区管委会、市直各部门",
                  65000, 58000, 17000, apprenticeship=1500),
    ProgrammeSpec(2, "就业重点群体技能提升计划",
                  "年培训5.0万人次以上,培训后取证人数不低于4.47万人次,其中高级证书人数不低于1.31万人。",
                  "市人力资源社会保障局、市教育体育局、市退役军人局、市乡村振兴局、市残联",
                  50000, 44700, 13100),
    ProgrammeSpec(3, "职业教育技能提升计划",
                  "年培养4万人以上,取证人数不低于3.57万人,其中高级证书人数不低于1.05万人。",
                  "市教育体育局、市人力资源社会保障局", 40000, 35700, 10500),
    ProgrammeSpec(4, "已脱贫劳动力技能提升计划", "年培训0.5万人次,取证人数0.45万人。",
                  "市人力资源社会保障局、市教育体育局、市乡村振兴局", 5000, 4500),
    ProgrammeSpec(5, "现代服务业技能提升计划",
                  "年培训2.0万人次以上,培训后取证人数不低于1.79万人,其中高级证书人数不低于0.47万人。",
                  "市民政局、市商务局、市邮政局、市教育体育局、市卫生健康委、市人力资源社会保障局",
                  20000, 17900, 4700),
    ProgrammeSpec(6, "建设行业技能提升计划",
                  "年培训1.5万人次以上,培训后取证人数不低于1.34万人,其中高级证书人数不低于0.35万人。",
                  "市住房城乡建设局、市总工会、团市委", 15000, 13400, 3500),
    ProgrammeSpec(7, "“文化商丘”技能提升计划",
                  "年培训0.2万人次以上,培训后取证人数不低于0.17万人,其中高级证书人数不低于0.047万人。",
                  "市文化广电和旅游局、市人力资源社会保障局、市教育体育局、市商务局",
                  2000, 1700, 470),
    ProgrammeSpec(8, "高危行业安全技能提升计划",
                  "年培训1.5万人次以上,培训后取证人数不低于 1.34万人。",
                  "市应急局、市市场监管局、市工业和信息化局", 15000, 13400),
    ProgrammeSpec(9, "高素质农民技能提升计划", "年培训0.5万人以上,培训后取证人数不低于0.45万人。",
                  "市农业农村局", 5000, 4500),
    ProgrammeSpec(10, "大众创业培训计划", "年培训1万人次以上,培训后取证率百分之百。",
                  "市人力资源社会保障局、市教育体育局", 10000, None, certified_rate=100),
    ProgrammeSpec(11, "城市管理和交通运输从业人员技能提升计划",
                  "年培训2.0万人次以上,培训后取证人数不低1.79万人,其中高级证书人数不低于0.47万人。",
                  "市城市管理局、市交通运输局、市自然资源和规划局、市应急局", 20000, 17900, 4700),
    ProgrammeSpec(12, "服刑人员、强制隔离戒毒人员技能提升计划",
                  "年培训0.2万人次以上,培训后取证人数不低于0.169万人。",
                  "市司法局、市人力资源社会保障局", 2000, 1690),
]  # fmt: skip

# 002 §二(二): 到2025年,完成102.5万人次职业技能培训、80.04万人(含新增高技能人才24.3万人)
# 取得相应证书. The plan is issued in 2022 (its 附件 are the 2022 plans): the goal runs over
# 2022–2025, the years whose yearly plans add up towards it.
GOAL_2025 = {"training": 1_025_000, "certified": 800_400, "new_high_skilled": 243_000}
GOAL_YEARS = (2022, 2025)
