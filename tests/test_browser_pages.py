"""The Dirac-GAN and Compare pages in a real browser, at a projector's 1280x720.

The server, the browser and the screenshot folder are test_browser.py's fixtures
(imported, so this module starts its own server the same way). Takes the README's
screenshots dashboard_dirac.png and dashboard_compare.png (see test_browser.py), and
README.zh.md's dashboard_train_zh.png.
"""

import os
import re
import shutil
import subprocess

import pytest
from test_browser import LIVE, browser, expect, idle, images, open_app, server  # noqa: F401

PROJECTOR = {"width": 1280, "height": 720}
STEPS = """() => [...document.querySelectorAll('[data-testid=stMetric]')]
    .filter(m => m.innerText.startsWith('Step ('))
    .map(m => parseInt(m.querySelector('[data-testid=stMetricValue]').innerText.replace(/,/g, '')))
"""  # the two runs' step counters, as numbers


def open_page(browser, url: str, title: str):  # noqa: F811 (the fixture, passed on)
    page = open_app(browser, url)
    page.set_viewport_size(PROJECTOR)
    page.get_by_role("link", name=title).click()
    return page


def test_dirac_page_draws_its_field_and_answers_a_toggle(server, browser, images):  # noqa: F811
    page = open_page(browser, server, "Dirac-GAN")
    expect(page.get_by_role("heading", name="The Dirac-GAN")).to_be_visible(timeout=LIVE)
    expect(page.get_by_text("vector field")).to_be_visible(timeout=LIVE)  # the legend
    field = page.locator(".js-plotly-plot").first.locator(".scatterlayer .trace")
    expect(field).to_have_count(5, timeout=LIVE)  # arrows, 2 walks, start, equilibrium
    expect(page.get_by_text(re.compile("^Prediction: circles")).first).to_be_visible()
    expect(page.get_by_test_id("stTable")).to_contain_text("-0.5000")  # λ = ±i/2
    idle(page)
    page.screenshot(path=images / "dashboard_dirac.png")
    assert (images / "dashboard_dirac.png").stat().st_size > 10_000  # a real picture
    page.get_by_text("R1", exact=True).click()
    expect(page.get_by_text(re.compile("^Prediction: converges")).first).to_be_visible(timeout=LIVE)
    page.context.close()


def test_compare_page_trains_two_runs_side_by_side(server, browser, images):  # noqa: F811
    page = open_page(browser, server, "Compare")
    expect(page.get_by_role("heading", name="Compare two runs")).to_be_visible(timeout=LIVE)
    page.get_by_role("button", name="Start").click()
    counters = [
        page.get_by_test_id("stMetric")
        .filter(has_text=f"Step ({run})")
        .get_by_test_id("stMetricValue")
        for run in "AB"
    ]
    for counter in counters:
        expect(counter).to_be_visible(timeout=LIVE)
    for counter in counters:  # both count, live
        expect(counter).not_to_have_text(counter.inner_text(), timeout=LIVE)
    if os.environ.get("GANLAB_SCREENSHOTS") == "1":  # the README's picture: rings forming,
        # both runs evaluated twice (ring8: every 250 steps); slow on 2 shared cores
        page.wait_for_function(f"() => Math.min(...({STEPS})()) >= 500", timeout=5 * LIVE)
        modes = page.get_by_test_id("stMetricLabel").filter(has_text="Modes covered")
        expect(modes).to_have_count(2, timeout=LIVE)
    page.get_by_role("button", name="Pause").click()
    idle(page)
    header = page.get_by_test_id("stMarkdownContainer").filter(has_text="A: loss")
    header.evaluate("e => e.scrollIntoView({block: 'start'})")  # both maps and the curves
    page.screenshot(path=images / "dashboard_compare.png")
    assert (images / "dashboard_compare.png").stat().st_size > 10_000
    page.get_by_role("button", name="Reset").click()  # frees the machine's two places
    expect(page.get_by_role("button", name="Start")).to_be_enabled(timeout=LIVE)
    page.context.close()


def _has_cjk_font() -> bool:
    """A font with Chinese glyphs for Chromium (Debian: fonts-noto-cjk), else tofu boxes."""
    if shutil.which("fc-list") is None:
        return False
    found = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    return bool(found.strip())


def test_the_train_page_in_chinese(server, browser, images):  # noqa: F811
    if not _has_cjk_font():
        pytest.skip("no Chinese font: `sudo apt-get install fonts-noto-cjk` (Debian/Ubuntu)")
    page = open_app(browser, server)
    page.get_by_text("中文", exact=True).click()
    expect(page.get_by_role("heading", name="训练一个 GAN")).to_be_visible(timeout=LIVE)
    expect(page.get_by_role("link", name="潜在空间探索")).to_be_visible()  # the page titles
    page.get_by_role("button", name="开始").click()
    expect(page.get_by_text("覆盖的模式数").first).to_be_visible(timeout=3 * LIVE)  # step 250
    expect(page.locator(".gtitle").first).to_contain_text("第", timeout=LIVE)  # the curves
    page.get_by_role("button", name="暂停").click()
    expect(page.get_by_text("已暂停", exact=True)).to_be_visible(timeout=LIVE)
    idle(page)
    page.screenshot(path=images / "dashboard_train_zh.png")
    assert (images / "dashboard_train_zh.png").stat().st_size > 10_000
    page.get_by_role("link", name="对比").click()  # the choice holds on another page
    expect(page.get_by_role("heading", name="对比两次训练")).to_be_visible(timeout=LIVE)
    page.context.close()
