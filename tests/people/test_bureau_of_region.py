"""A roster imported without an organisation (`jineng import people FILE` without --org)
registers each person with the bureau of the region of their ID number: the nearest bureau whose
region covers it, else the one bureau at the top of the tree."""

import pytest

from jineng.core import audit
from jineng.core.imports import ImportOptions, run_import
from jineng.people import services
from jineng.people.identity import gb11643_check_character
from jineng.people.imports import ROSTER

pytestmark = pytest.mark.django_db


def id_number(region: str, serial: int) -> str:
    body = f"{region}19900307{serial:03d}"
    return body + gb11643_check_character(body)


def test_region_prefix():
    assert services.region_prefix("410000") == "41"
    assert services.region_prefix("411400") == "4114"
    assert services.region_prefix("411402") == "411402"


def test_each_person_goes_to_the_bureau_of_their_region(users):
    expected = {
        "411402": "411402",  # 梁园区: its own bureau
        "411481": "411481",  # 永城市
        "411499": "411499",  # 城乡一体化示范区 (local code): its own bureau
        "411423": "411423",  # 宁陵县
        "412301": "410000",  # 商丘地区, abolished in 1997: no bureau of its own, the province's
        "410102": "410000",  # 郑州市中原区: no Zhengzhou bureau in the demo, the province's
    }
    numbers = {region: id_number(region, 901 + n) for n, region in enumerate(expected)}
    data = "姓名,身份证号码\n" + "".join(f"人{n},{number}\n" for n, number in numbers.items())
    with audit.audit_context(actor=users["admin"]):
        report = run_import(ROSTER, data.encode(), "r.csv", options=ImportOptions())
    assert report.as_dict()["created"] == len(expected), report.rejected
    for region, bureau in expected.items():
        person = services.find_by_id_number(numbers[region])
        assert person.organisation.code == bureau, region
