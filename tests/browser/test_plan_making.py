"""Issue 16 in a real browser (002 附件1, docs/targets.md "How a bureau makes a plan"): a city
reviewer makes a plan on the page, enters the allocation of two counties and a department, sees
each table's sum and what is unallocated (未分解) as it types, saves, then reallocates: a new
version with its reason and 文件号, and the page shows what changed while version 1 stays."""

import re

from playwright.sync_api import expect

from tests.browser.test_login import log_in, open_menu

YEAR = "2031"  # a year no demo plan and no other test uses (the live server is shared)


def cell(page, axis: str, unit: str):
    """The 职业技能培训 cell of a unit in the new-plan form's table of an axis."""
    row = page.locator(f'table.allocation-table[data-axis="{axis}"] tbody tr').filter(
        has=page.locator("th", has_text=re.compile(f"^{unit}$"))
    )
    return row.locator('input[name$="_training"]')


def footer(page, axis: str, kind: str):
    return page.locator(f'table.allocation-table[data-axis="{axis}"] [data-{kind}="training"]')


def test_a_city_reviewer_makes_a_plan_and_reallocates_it(page):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    log_in(page, "city_reviewer")
    open_menu(page, "目标统计", "目标计划")
    page.get_by_role("link", name="新建计划").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新建计划")

    page.get_by_label("起始年度").fill(YEAR)
    page.get_by_label("截止年度").fill(YEAR)
    page.get_by_label("标题").fill(f"{YEAR}年职业技能提升目标")
    page.get_by_label("原因").fill(f"{YEAR}年度计划")
    page.get_by_label("文件号").fill(f"商人社〔{YEAR}〕1号")
    page.locator("#id_t_training").fill("21.5")
    page.locator("#id_t_new_skilled").fill("17")

    # The allocation: the sums and 未分解 follow the typing.
    cell(page, "county", "永城市").fill("3.5")
    expect(footer(page, "county", "sum")).to_have_text("3.5")
    cell(page, "county", "梁园区").fill("2")
    expect(footer(page, "county", "sum")).to_have_text("5.5")
    expect(footer(page, "county", "unallocated")).to_have_text("16")
    cell(page, "department", "商丘市总工会").fill("0.448")
    expect(footer(page, "department", "sum")).to_have_text("0.448")
    expect(footer(page, "department", "unallocated")).to_have_text("21.052")
    page.get_by_role("button", name="制定计划").click()

    # Saved: the plan's page shows the same sums and 未分解 under its tables.
    expect(page).to_have_url(re.compile(r"/targets/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{YEAR}年职业技能提升目标")
    county = page.locator("#table-county")
    expect(county.locator("tbody tr")).to_have_count(2)
    expect(county.locator("tr.sum-row td").nth(2)).to_have_text("5.5")
    expect(county.locator("tr.unallocated-row td").nth(2)).to_contain_text("16")
    department = page.locator("#table-department")
    expect(department.locator("tr.unallocated-row td").nth(2)).to_contain_text("21.052")
    plan_url = page.url

    # A reallocation during the year: 永城市 gets 4万, with its reason and 文件号.
    page.get_by_role("link", name="调整（生成新版本）").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("调整目标")
    page.get_by_label("原因").fill("年中调整：永城市任务增加")
    page.get_by_label("文件号").fill(f"商人社〔{YEAR}〕9号")
    page.get_by_label("永城市 · 职业技能培训", exact=True).fill("4")
    page.get_by_role("button", name="生成新版本").click()

    expect(page).to_have_url(plan_url)
    versions = page.locator("#versions tbody tr")
    expect(versions).to_have_count(2)
    expect(versions.first).to_contain_text(f"商人社〔{YEAR}〕9号")
    changes = page.locator("#changes tbody tr")
    expect(changes).to_have_count(1)
    expect(changes.first).to_contain_text("永城市")
    expect(changes.first.locator("td").nth(3)).to_have_text("3.5")
    expect(changes.first.locator("td").nth(4)).to_have_text("4")
    expect(county.locator("tr.sum-row td").nth(2)).to_have_text("6")
    expect(county.locator("tr.unallocated-row td").nth(2)).to_contain_text("15.5")

    # Version 1 stays readable as it was.
    page.locator("#versions tbody tr").nth(1).get_by_role("link").click()
    expect(page.locator("#table-county tr.sum-row td").nth(2)).to_have_text("5.5")
    assert errors == []
