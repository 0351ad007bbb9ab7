"""Demo registry: a few hundred people across Shangqiu's counties, with categories, practising
licences (从业资格证) and employment records. Generated deterministically (the same people every
run) and loaded through the roster import itself, so a second load finds every row unchanged."""

import csv
import io
import random
from datetime import date, timedelta

from stdnum.cn import ric, uscc

from jineng.core import writes
from jineng.core.imports import ImportOptions, run_import
from jineng.core.models import Organisation, User
from jineng.people import services
from jineng.people.imports import ROSTER

PEOPLE = 300
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅玉兰志强海燕丹晨阳"
COUNTIES = [
    "411402",
    "411403",
    "411421",
    "411422",
    "411423",
    "411424",
    "411425",
    "411426",
    "411481",
]
CATEGORIES = ["农村转移就业劳动者", "城镇登记失业人员", "就业困难人员", "防止返贫监测对象",
              "城乡未继续升学的应届初高中毕业生", "脱贫劳动力", "退役军人", "企业职工"]  # fmt: skip
SCHOOL_LEAVER = "城乡未继续升学的应届初高中毕业生"
EMPLOYERS = [("商丘市豫东食品有限公司", 1), ("永城市煤化机械制造有限公司", 2),
             ("商丘市康养服务中心有限公司", 3), ("虞城县五金工具有限公司", 4)]  # fmt: skip


def id_number(rng: random.Random, region: str) -> str:
    born = date(1966, 1, 1) + timedelta(days=rng.randrange(0, 365 * 40))
    body = f"{region}{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + ric.calc_check_digit(body + "0")  # stdnum drops the last character


def employer_code(serial: int) -> str:
    body = f"91411400MA{serial:07d}X"[:17]
    return body + uscc.calc_check_digit(body)


def roster_rows(rng: random.Random):
    for n in range(PEOPLE):
        # Older people may still carry 412301 (商丘地区商丘市, abolished 1997) in their number.
        region = "412301" if n % 25 == 0 else COUNTIES[n % len(COUNTIES)]
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        phone = f"1{rng.choice('3578')}{rng.randrange(0, 10**9):09d}"
        category = CATEGORIES[n % len(CATEGORIES)] if n % 5 else ""
        # 应届初高中毕业生 count only in the year they left school (004 §二): this year's.
        year = str(date.today().year) if category == SCHOOL_LEAVER else ""
        yield {"姓名": name, "身份证号码": id_number(rng, region), "手机号码": phone,
               "人员类别": category, "毕业年份": year}  # fmt: skip


def load() -> dict:
    rng = random.Random(411400)  # noqa: S311 - demo data, the same people every run
    rows = list(roster_rows(rng))
    totals: dict[str, int] = {}
    # Each county's bureau registers its own people (412301 is the city's, abolished 1997).
    for code in [*COUNTIES, "411400"]:
        mine = [row for row in rows if _bureau_code(row["身份证号码"]) == code]
        report = run_import(
            ROSTER, _csv(mine), "demo-roster.csv",
            options=ImportOptions(context={"organisation": Organisation.objects.get(code=code),
                                           "source": "demo"}),
        )  # fmt: skip
        for key, value in report.as_dict().items():
            totals[key] = totals.get(key, 0) + value
    _link_demo_worker(next(row for row in rows if row["身份证号码"].startswith("411402")))
    return {"people": totals, "employment": _employment(rows), "licences": _licences(rows)}


def _link_demo_worker(row: dict) -> None:
    """The demo's worker login (of 梁园区) is the roster's first person from 梁园区, and bears
    that person's name, so that histories name one person."""
    worker = User.objects.get(username="worker")
    person = services.find_by_id_number(row["身份证号码"])
    if person.user_id != worker.pk:
        services.link_user(person, worker)
    writes.update(worker, full_name=person.name)


def _bureau_code(number: str) -> str:
    return number[:6] if number[:6] in COUNTIES else "411400"


def _csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def _employment(rows) -> dict[str, int]:
    counts: dict[str, int] = {}
    for n, row in enumerate(rows):
        if n % 3:
            continue
        person = services.find_by_id_number(row["身份证号码"])
        name, serial = EMPLOYERS[n % len(EMPLOYERS)]
        start = date(2026, 1, 5) + timedelta(days=(n * 7) % 200)
        _record, outcome = services.add_employment(
            person, employer_uscc=employer_code(serial), employer_name=name, start=start,
            insured_months=min(10, (date(2026, 11, 1) - start).days // 30), source="demo",
        )  # fmt: skip
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


# 从业资格证 (004 §五(一)): every 30th person holds one, in turn a welder's and an electrician's
# special operation certificate (numbered after the ID number, as the safety bureau numbers them,
# valid 6 years) and a security guard certificate (no end date).
LICENCES = [
    ("welding_work", "商丘市应急管理局", 6),
    ("electrical_work", "商丘市应急管理局", 6),
    ("security_guard", "商丘市公安局", None),
]


def _licences(rows) -> dict[str, int]:
    counts: dict[str, int] = {}
    for n, row in enumerate(rows):
        if n % 30 != 7:
            continue
        person = services.find_by_id_number(row["身份证号码"])
        licence_type, issued_by, years = LICENCES[(n // 30) % len(LICENCES)]
        number = f"T{row['身份证号码']}" if years else f"HN{n:06d}{row['身份证号码'][-6:]}"
        start = date(2023, 3, 1) + timedelta(days=n)
        if services.find_licence(licence_type, number, person=person).exists():
            counts["unchanged"] = counts.get("unchanged", 0) + 1
            continue
        services.add_licence(
            person, licence_type=licence_type, number=number, valid_from=start,
            valid_to=date(start.year + years, start.month, start.day) - timedelta(days=1)
            if years else None,
            issued_by=issued_by, evidence="证书原件", source="demo",
        )  # fmt: skip
        counts["created"] = counts.get("created", 0) + 1
    return counts
