"""What a real browser costs training: steps/s with the Train page open in Chromium.

`dashboard_overhead.py` measures the page's server side alone; here Playwright drives
/usr/bin/chromium against `streamlit run app.py`, as a student's laptop would. Two
arms, interleaved (headless, page, headless, page, ...) so that load from other
programs hits both alike:

  headless  Trainer.run in this process, the server idle, no page open;
  page      the Train page open, training running in the server (Resume ... Pause),
            the speed read off the page's own step counter.

During the page arm it probes the page every second: is the decision map drawn (a
"blank" probe finds the chart missing or without D's map), and it counts CPU seconds
of the server and of Chromium per second of wall time: where the time goes.

    python benchmarks/browser.py                  # ring8, 4 turns of 10 s each
    python benchmarks/browser.py --turns 2 --seconds 5
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psutil
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: `benchmarks` and `ganlab` from this checkout

from benchmarks.dashboard_overhead import dashboard_config  # noqa: E402
from benchmarks.timing import Table, load, machine  # noqa: E402
from ganlab.train import Trainer  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PATIENCE = 60_000  # ms: Playwright's patience for a live update (2 shared cores)
# The decision map is drawn when its chart holds D's heat map (an <image> in plotly's SVG).
MAP_DRAWN = """() => {
  const chart = document.querySelector('.st-key-train-map .js-plotly-plot');
  return !!chart && chart.querySelectorAll('.heatmaplayer image, .layer-below image').length > 0;
}"""


# ------------------------------------------------------------ the server and the browser
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"streamlit did not answer {url}/_stcore/health in {timeout} s")


@contextlib.contextmanager
def streamlit_server(log: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """`streamlit run app.py` on a free port: (its url, its process); stopped on exit."""
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py")]
    cmd += ["--server.headless", "true", "--server.port", str(port)]
    cmd += ["--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_healthy(url, proc)
            yield url, proc
        finally:  # always: a failure must not leave a server behind
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def open_app(browser, url: str, viewport: tuple[int, int] = (1500, 1100)):
    """A new browser session on the app, once connected and drawn."""
    width, height = viewport
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(url)
    page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(
        timeout=PATIENCE
    )
    page.get_by_role("button", name="Start").wait_for(timeout=PATIENCE)
    return page


def idle(page) -> None:
    """Wait until the page's script has finished its run (the page shows the state)."""
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        timeout=PATIENCE
    )


def step_counter(page):
    return page.get_by_test_id("stMetricValue").first  # the first tile is the step


# ------------------------------------------------------------ the two arms
def cpu_seconds(processes: list[psutil.Process]) -> float:
    total = 0.0
    for p in processes:
        with contextlib.suppress(psutil.Error):
            t = p.cpu_times()
            total += t.user + t.system
    return total


def chromium_processes() -> list[psutil.Process]:
    me = psutil.Process()
    return [p for p in me.children(recursive=True) if "chrom" in p.name().lower()]


def headless_turn(config, seconds: float, steps_per_second: float) -> tuple[float, float]:
    """Trainer.run for about `seconds` in this process: (steps/s, CPU ms per step)."""
    trainer = Trainer(config)
    trainer.run(20)  # first steps allocate; not what we measure
    steps = max(50, int(seconds * steps_per_second))
    start, cpu = time.perf_counter(), time.process_time()
    trainer.run(steps)
    return steps / (time.perf_counter() - start), (time.process_time() - cpu) / steps * 1000


def page_turn(page, server: psutil.Process, seconds: float) -> dict[str, float]:
    """Training with the page open for about `seconds`: steps/s, CPU shares, blank probes.

    Clicks take a while to land on a busy page, so the speed is not steps / (time
    between Resume and Pause) but the slope of the step counter the page shows, read
    once a second while it trains (least squares; the page's lag cancels out).
    """
    page.get_by_role("button", name="Resume").click()
    page.get_by_role("button", name="Pause").wait_for(timeout=PATIENCE)
    time.sleep(1.0)  # the first steps and polls after Resume are not the steady state
    browser_cpu, server_cpu = cpu_seconds(chromium_processes()), cpu_seconds([server])
    start = time.perf_counter()
    times, steps, blank = [], [], 0
    while time.perf_counter() - start < seconds:
        time.sleep(1.0)
        blank += not page.evaluate(MAP_DRAWN)
        times.append(time.perf_counter())
        steps.append(int(step_counter(page).inner_text().replace(",", "")))
    elapsed = time.perf_counter() - start
    browser_cpu = (cpu_seconds(chromium_processes()) - browser_cpu) / elapsed
    server_cpu = (cpu_seconds([server]) - server_cpu) / elapsed
    page.get_by_role("button", name="Pause").click()
    idle(page)
    return {
        "steps_per_sec": statistics.linear_regression(times, steps).slope,
        "browser_cpu": browser_cpu,
        "server_cpu": server_cpu,
        "probes": len(times),
        "blank": blank,
    }


def train_past_the_bar(page) -> None:
    """Untick the sidebar's "Stop at the quality bar": the presets meet it in seconds."""
    from playwright.sync_api import expect

    box = page.get_by_role("checkbox", name="Stop at the quality bar")
    page.get_by_text("Stop at the quality bar", exact=True).click()  # its tick hides the input
    expect(box).not_to_be_checked(timeout=PATIENCE)
    idle(page)


def start_paused(page, steps: int) -> None:
    """Set a long run in the sidebar, train its first steps and pause (the warm-up)."""
    box = page.get_by_label("Train for (steps)")
    box.fill(str(steps))
    box.press("Enter")
    idle(page)
    train_past_the_bar(page)
    page.get_by_role("button", name="Start").click()
    page.get_by_role("button", name="Pause").wait_for(timeout=PATIENCE)
    step_counter(page).wait_for(timeout=PATIENCE)
    page.wait_for_function(
        "() => parseInt(document.querySelector('[data-testid=stMetricValue]')"
        ".innerText.replace(/,/g, '')) >= 100",
        timeout=PATIENCE,
    )
    page.get_by_role("button", name="Pause").click()


# ------------------------------------------------------------ the table
def measure(turns: int, seconds: float, log: Path) -> Table:
    from playwright.sync_api import sync_playwright

    config = dashboard_config("ring8", 10**6)
    torch.set_num_threads(1)  # as the dashboard's worker: 2 cores, up to 2 trainings
    rows = []
    with streamlit_server(log) as (url, proc), sync_playwright() as playwright:
        server = psutil.Process(proc.pid)
        browser = launch(playwright)
        try:
            page = open_app(browser, url)
            start_paused(page, 10**6)
            guess = 80.0
            for _ in range(turns):  # interleaved: headless, page, headless, page, ...
                fast, cpu = headless_turn(config, seconds, guess)
                guess = fast
                rows.append((fast, cpu, page_turn(page, server, seconds)))
        finally:
            browser.close()
    table = Table(
        f"Browser cost: ring8 with the Train page open in Chromium ({load()})",
        ["turn", "headless steps/s", "page steps/s", "ratio", "server CPU", "Chromium CPU",
         "headless ms/step", "server ms/step", "Chromium ms/step", "blank probes"],
    )  # fmt: skip
    for i, (fast, cpu, arm) in enumerate(rows, 1):
        speed, blank = arm["steps_per_sec"], f"{arm['blank']}/{arm['probes']}"
        table.add(str(i), fast, speed, speed / fast, arm["server_cpu"], arm["browser_cpu"], cpu,
                  arm["server_cpu"] / speed * 1000, arm["browser_cpu"] / speed * 1000, blank)  # fmt: skip
    ratios = [arm["steps_per_sec"] / fast for fast, _, arm in rows]
    blank_total = sum(arm["blank"] for *_, arm in rows)
    probes_total = sum(arm["probes"] for *_, arm in rows)
    table.notes += [
        f"median ratio page/headless: {statistics.median(ratios):.2f}; "
        f"blank-map probes: {blank_total} of {probes_total}",
        "CPU: cores busy per second of wall time (the server process: training + page "
        "script; Chromium: all its processes); ms/step: CPU time per training step, "
        "which load from other programs changes less than speed",
        f"torch threads 1 in both arms; {seconds:g} s turns; machine: {machine()['cpu']}",
    ]
    return table


def main(argv: list[str] | None = None) -> Table:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--log", default=os.devnull, help="the server's output goes here")
    args = parser.parse_args(argv)
    table = measure(args.turns, args.seconds, Path(args.log))
    print(table.render())
    return table


if __name__ == "__main__":
    main()
