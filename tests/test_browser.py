"""The dashboard in a real browser: `streamlit run app.py` driven by Chromium (Playwright).

Starts the server as a subprocess on a free port, trains ring8 from the page, checks
that the step counter and the loss chart update live, pauses, checks that a second
browser session trains on its own, and opens the latent explorer. Takes the
screenshots the README shows: into docs/images/ when GANLAB_SCREENSHOTS=1 (to refresh
the README's pictures), otherwise into a temporary folder, so a test run never
changes the checkout.
"""

import os
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
ROOT = Path(__file__).parents[1]
LIVE = 60_000  # ms: Playwright's patience for a live update (2 shared cores)

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
expect = sync_api.expect

from benchmarks.browser import (  # noqa: E402  (after the skip: it needs playwright)
    CHROMIUM,
    idle,
    launch,
    open_app,
    step_counter,
    streamlit_server,
    train_past_the_bar,
)

if not os.path.exists(CHROMIUM):
    pytest.skip(
        f"no Chromium at {CHROMIUM}: install it with `sudo apt-get install chromium` "
        "(Debian/Ubuntu) to run the browser test",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    with streamlit_server(log) as (url, _):
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = launch(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def images(tmp_path) -> Path:
    """Where the screenshots go (see the module docstring)."""
    if os.environ.get("GANLAB_SCREENSHOTS") == "1":
        return ROOT / "docs" / "images"
    return tmp_path


def test_train_pause_second_session_and_latent_explorer(server, browser, images):
    page = open_app(browser, server)
    train_past_the_bar(page)  # ring8 meets its bar near step 1000; this test pauses after it
    page.get_by_role("button", name="Start").click()
    counter, title = step_counter(page), page.locator(".gtitle").first
    expect(counter).to_be_visible(timeout=LIVE)
    expect(counter).not_to_have_text(counter.inner_text(), timeout=LIVE)  # it counts
    expect(title).to_contain_text("Step", timeout=LIVE)
    expect(title).not_to_have_text(title.text_content(), timeout=LIVE)  # the chart redraws
    expect(page.get_by_text("Modes covered")).to_be_visible(timeout=LIVE)  # first evaluation
    page.wait_for_function(  # long enough for the README's picture to show the ring forming
        "() => parseInt(document.querySelector('[data-testid=stMetricValue]')"
        ".innerText.replace(/,/g, '')) >= 1000",
        timeout=LIVE,
    )
    page.screenshot(path=images / "dashboard_train.png")
    assert (images / "dashboard_train.png").stat().st_size > 10_000  # a real picture

    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_text("paused", exact=True)).to_be_visible(timeout=LIVE)
    idle(page)  # the rerun after the click has drawn everything, counter included
    paused_at = counter.inner_text()

    other = open_app(browser, server)  # a second browser session: its own run
    expect(other.get_by_role("button", name="Start")).to_be_enabled()
    other.get_by_role("button", name="Start").click()
    other_counter = step_counter(other)
    expect(other_counter).to_be_visible(timeout=LIVE)
    expect(other_counter).not_to_have_text(other_counter.inner_text(), timeout=LIVE)
    other.get_by_role("button", name="Reset").click()
    expect(other.get_by_role("button", name="Start")).to_be_enabled(timeout=LIVE)
    other.context.close()
    page.get_by_text("Follow live").click()  # a fresh draw of the first session's view ...
    idle(page)
    expect(counter).to_have_text(paused_at)  # ... still paused where it was

    page.get_by_role("link", name="Latent explorer").click()
    expect(page.get_by_role("heading", name="Latent explorer")).to_be_visible(timeout=LIVE)
    expect(page.get_by_text("G(walk)")).to_be_visible(timeout=LIVE)  # the walk's legend
    page.screenshot(path=images / "dashboard_latent.png")
    page.context.close()


def place_modes(page, spots) -> None:
    """Type each mode's (x, y) and press Add. (A click on the plane places one too, but
    under load headless Chromium let plotly miss the click in 2 of 6 runs.)"""
    for n, (x, y) in enumerate(spots, 1):
        for label, value in (("x", x), ("y", y)):
            box = page.get_by_label(label, exact=True)
            box.fill(str(value))
            box.press("Enter")
            idle(page)
        page.get_by_role("button", name="Add", exact=True).click()
        expect(page.get_by_text(f"{n} modes placed")).to_be_visible(timeout=LIVE)
        idle(page)


def map_legend(page, name: str):
    return page.locator(".st-key-train-map .legendtext", has_text=name)


def test_a_drawing_trains_with_layers_and_slow_motion_at_projector_size(server, browser, images):
    page = open_app(browser, server, viewport=(1280, 720))  # a classroom projector
    page.get_by_text("Draw your own data").click()
    place_modes(page, [(-1.5, -1.0), (1.5, -1.0), (0.0, 1.5)])
    page.get_by_label("Name").fill("triangle")
    page.get_by_label("Name").press("Enter")
    idle(page)
    page.get_by_role("button", name="Train on this drawing").click()
    expect(page.get_by_text("drawn “triangle” (3 modes)")).to_be_visible(timeout=LIVE)

    page.get_by_role("button", name="Start").click()  # the drawing trains ...
    expect(page.get_by_text("Modes covered")).to_be_visible(timeout=LIVE)  # ... step 250
    expect(page.get_by_text(" / 3", exact=False).first).to_be_visible()  # its own 3 modes
    # Three modes are easy: the run may already have stopped at its quality bar (the
    # preset's stop_at_bar) and be "done"; otherwise it is paused here.
    pause = page.get_by_role("button", name="Pause")
    if pause.is_enabled():
        pause.click()
    expect(page.get_by_text(re.compile(r"^(paused|done)$"))).to_be_visible(timeout=LIVE)
    idle(page)

    expect(map_legend(page, "G's manifold")).to_have_count(0)  # off until asked for
    page.get_by_text("G's manifold", exact=True).first.click()
    expect(map_legend(page, "G's manifold")).to_have_count(1, timeout=LIVE)
    expect(page.get_by_text("all of G's noise space")).to_be_visible()  # ring8 preset: z_dim 2
    page.get_by_text("real points", exact=True).click()
    expect(map_legend(page, "real data")).to_have_count(0, timeout=LIVE)
    page.get_by_text("real points", exact=True).click()
    expect(map_legend(page, "real data")).to_have_count(1, timeout=LIVE)
    idle(page)
    page.locator(".st-key-train-map").scroll_into_view_if_needed()
    page.screenshot(path=images / "dashboard_manifold.png")

    page.get_by_text("Slow motion", exact=True).click()
    idle(page)
    page.get_by_role("button", name="Step").click()
    for frame in ("1/3", "2/3", "3/3"):  # the frames appear one after another, in order
        expect(page.get_by_text(f"Slow motion {frame}")).to_be_visible(timeout=LIVE)
    expect(page.get_by_text("Slow motion 1/3")).to_have_count(0)
    page.context.close()
