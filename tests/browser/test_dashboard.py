"""Issue 16 in a real browser: a city reviewer opens the dashboards, picks 取证人数, clicks 永城市
on the map of 商丘 (the demo's county with certificates after its classes) and reaches the list
of the certificates behind its figure; the same figure is in the table under the map."""

import re

from playwright.sync_api import expect

from tests.browser.test_login import log_in, open_menu

YONGCHENG = "411481"


def test_city_reviewer_clicks_a_county_on_the_map_and_reaches_its_certificates(page):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    log_in(page, "city_reviewer")
    open_menu(page, "目标统计", "目标进度看板")
    expect(page.get_by_role("heading", level=1)).to_have_text("目标进度看板")
    page.get_by_label("统计项").select_option("certified")
    page.get_by_role("button", name="显示").click()
    dashboard = page.locator("#dashboard")
    expect(dashboard).to_have_attribute("data-map-ready", "1")

    # The figure of 永城市 in the table one click away (a <details> under the map).
    page.locator("#details-map summary").click()
    figure = page.locator(f'#table-map tr[data-key="{YONGCHENG}"] td').nth(2)
    expect(figure).to_have_text(re.compile(r"^[1-9]\d*$"))
    count = int(figure.inner_text())

    # Click 永城市 on the map: the point of its centre, as the chart itself places it.
    chart = page.locator("#chart-map")
    chart.scroll_into_view_if_needed()
    x, y = page.evaluate(
        """(code) => {
            const chart = echarts.getInstanceByDom(document.getElementById("chart-map"));
            const feature = echarts.getMap("商丘").geoJSON.features.find((f) => f.id === code);
            return chart.convertToPixel({seriesIndex: 0}, feature.properties.cp);
        }""",
        YONGCHENG,
    )
    box = chart.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)

    expect(page).to_have_url(re.compile(r"/stats/measure/\?.*key=411481"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("取证人数")
    expect(page.locator("#rows tbody tr[data-id]")).to_have_count(count)
    assert errors == []
