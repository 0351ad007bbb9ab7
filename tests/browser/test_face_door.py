"""The check-in page at the door (人脸识别考勤, 000 §三(八); issue 18) in a real browser with
Chromium's fake camera: the institution takes a trainee's face template with their consent, then
opens the door page of its running class, picks the trainee and captures; the answer is on the
screen within a second."""

import time
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM_ARGS
from tests.browser.test_login import log_in

PHOTOS = Path(__file__).resolve().parents[1] / "data" / "faces"
RUNNING = "焊工（五级）培训班（第3期）"  # the demo's class in progress


def write_y4m(photo: Path, target: Path, frames: int = 5) -> None:
    """A y4m video (4:2:0) of the photo, for --use-file-for-fake-video-capture."""
    image = Image.open(photo).convert("RGB")
    image.thumbnail((640, 480))
    canvas = Image.new("RGB", (640, 480), (128, 128, 128))
    canvas.paste(image, ((640 - image.width) // 2, (480 - image.height) // 2))
    y, cb, cr = canvas.convert("YCbCr").split()
    half = (320, 240)
    frame = b"FRAME\n" + y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    with target.open("wb") as out:
        out.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        out.write(frame * frames)


@pytest.fixture
def camera_browser(tmp_path, live_url):
    from playwright.sync_api import sync_playwright

    video = tmp_path / "door.y4m"
    write_y4m(PHOTOS / "obama" / "2.jpg", video)
    args = [*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={video}"]  # fmt: skip
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=args, headless=True
        )
        context = chromium.new_context(base_url=live_url, locale="zh-CN")
        context.grant_permissions(["camera"])
        yield context.new_page()
        chromium.close()


def test_a_trainee_is_checked_in_at_the_door_by_face(camera_browser):
    page = camera_browser
    log_in(page, "institution")
    page.goto("/classes/")
    page.locator("tr", has_text=RUNNING).first.locator("td.mono a").click()
    row = page.locator("#attendance-grid tbody tr[data-person]").first
    person_id = row.get_attribute("data-person")
    # The face template, with the person's separate consent (PIPL art. 29).
    page.goto(f"/faces/people/{person_id}/")
    name = page.locator("h1").inner_text().split(": ")[-1].strip()
    page.set_input_files("#id_photo", str(PHOTOS / "obama" / "1.jpg"))
    page.check("#id_consent")
    page.click("#enrol")
    expect(page.locator("#face-state")).to_contain_text("已于")
    # The door page: pick the trainee, capture, the answer comes at once.
    page.goto("/faces/door/")
    page.locator("#door-sessions a", has_text=RUNNING).first.click()
    page.select_option("#trainee", label=name)
    expect(page.locator("#capture")).to_be_enabled(timeout=10_000)
    started = time.monotonic()
    page.click("#capture")
    answer = page.locator("#answer")
    expect(answer).to_have_attribute("data-result", "passed", timeout=5_000)
    elapsed = time.monotonic() - started
    expect(answer).to_contain_text("签到成功")
    # Under a second on an idle machine (bench/face.py: the check-in p99); here the two cores
    # are shared by several test runs, so the bound is loose.
    assert elapsed < 5.0, elapsed
    page.screenshot(path="test-results/face-door.png")
