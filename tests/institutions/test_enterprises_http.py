"""The enterprise registry and the SME hiring claim over real HTTP, against the running demo
server (002 §四(三)1: 中小微企业…按企业隶属关系, 年度内新吸纳)."""

import json
from datetime import date, timedelta

from stdnum.cn import uscc

from jineng.institutions.demo import LARGE, SME
from jineng.institutions.demo import credit_code as demo_code
from tests.core.test_api_http import call, token_for

ASSESSED = (date.today() - timedelta(days=30)).isoformat()


def rows(base, path, token) -> list[dict]:
    status, body, _ = call(base, path, token=token)
    assert status == 200, body
    return json.loads(body)["results"]


def test_the_registry_over_http_follows_the_bureau_each_enterprise_belongs_to(live_url):
    """002 §四(三)1 按企业隶属关系: the city's reviewer sees the demo's SME (small) and large
    enterprise of the city's bureau; 梁园区's reviewer does not; the size filter holds."""
    city = {row["uscc"]: row for row in rows(live_url, "/api/v1/enterprises/?limit=100",
                                             token_for(live_url, "city_reviewer"))}  # fmt: skip
    sme, large = city[demo_code(SME[1])], city[demo_code(LARGE[1])]
    assert (sme["size"], sme["size_label"]) == ("small", "小型企业")
    assert large["size"] == "large" and sme["size_assessed_on"]
    county = token_for(live_url, "county_reviewer")
    assert demo_code(SME[1]) not in {
        row["uscc"] for row in rows(live_url, "/api/v1/enterprises/?limit=100", county)
    }
    admin = rows(live_url, "/api/v1/enterprises/?size=large", token_for(live_url, "admin"))
    assert {row["size"] for row in admin} == {"large"}


def test_recording_an_enterprise_over_http_refuses_bad_input_in_the_callers_language(live_url):
    """002 §四(三)1: a size class with evidence but no date is refused (400, in Chinese by
    default, English when asked); the complete record is stored (201)."""
    token = token_for(live_url, "county_reviewer")
    me = json.loads(call(live_url, "/api/v1/me/", token=token)[1])
    body = {
        "uscc": demo_code("91411402MA0HTTP01"),
        "name": "梁园区接口测试有限公司",
        "bureau": me["organisation"],
        "size": "micro",
        "size_evidence": "2025年度财务报表",
    }
    status, answer, _ = call(live_url, "/api/v1/enterprises/", method="POST", token=token,
                             body=body)  # fmt: skip
    assert status == 400 and "请填写依据该材料认定规模类型的日期" in answer.decode()
    status, answer, _ = call(live_url, "/api/v1/enterprises/", method="POST", token=token,
                             body=body, headers={"Accept-Language": "en"})  # fmt: skip
    assert status == 400 and "Give the day the size class was assessed" in answer.decode()
    status, answer, _ = call(live_url, "/api/v1/enterprises/", method="POST", token=token,
                             body=body | {"size_assessed_on": ASSESSED})  # fmt: skip
    assert status == 201, answer
    assert json.loads(answer)["bureau"] == me["organisation"]
    assert uscc.is_valid(json.loads(answer)["uscc"])


def test_the_demo_sme_claim_over_http_carries_its_year_and_registry_checks(live_url):
    """002 §四(三)1: the demo's SME hiring claim is for the year of its hires, and its granted
    line lists the registry's checks (recorded, 中小微, evidence dated before the claim)."""
    token = token_for(live_url, "city_reviewer")
    (claim,) = [row for row in rows(live_url, "/api/v1/claims/?kind=employment_sme&limit=100",
                                    token) if row["payee_uscc"] == demo_code(SME[1])]  # fmt: skip
    status, body, _ = call(live_url, f"/api/v1/claims/{claim['id']}/", token=token)
    detail = json.loads(body)
    granted = [line for line in detail["lines"] if line["granted"]]
    assert claim["claim_year"] == int(granted[0]["decided_on"][:4])
    codes = {check["code"]: check["passed"] for check in granted[0]["checks"]}
    assert codes["employment.enterprise_recorded"] and codes["employment.enterprise_size"]
    assert codes["employment.size_evidence"] and codes["employment.hire_year"]
