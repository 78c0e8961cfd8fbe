"""The generated reports in headless Chromium (Debian's ``chromium`` driven by Playwright; no
``playwright install``): no console errors, no network requests, the right direction, no
sideways scrolling of the page on a phone, no table of contents when printed. Screenshots at
phone and desktop width are saved beside the test run's reports (path printed; also copied to
``$CRMPLAY_SCREENSHOT_DIR`` when set)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import IN_CI

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
PHONE, DESKTOP = 390, 1280


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        message = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


def open_page(browser, path: Path, width: int):
    """Open ``path``; returns (page, console errors, requested URLs)."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda msg: errors.append(f"{msg.type}: {msg.text}") if msg.type in ("error", "warning") else None)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on("request", lambda req: requests.append(req.url))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_timeout(200)
    return page, errors, requests


@pytest.mark.parametrize("client, direction", [("demo", "ltr"), ("demo_fa", "rtl")])
@pytest.mark.parametrize("name", ["report.html", "index.html"])
def test_report_in_chromium(browser, demo_reports, client, direction, name):
    client_dir = Path(demo_reports["reports_root"]) / client
    page, errors, requests = open_page(browser, client_dir / name, DESKTOP)
    try:
        assert errors == []
        foreign = [u for u in requests if not u.startswith(("file:", "data:"))]
        assert foreign == [], f"network requests: {foreign[:5]}"
        assert page.evaluate("getComputedStyle(document.documentElement).direction") == direction
        assert page.evaluate("document.documentElement.dir") == direction
        assert page.locator("main").inner_text().strip(), "empty page"
    finally:
        page.close()


@pytest.mark.parametrize("client", ["demo", "demo_fa"])
def test_phone_and_desktop_layout_with_screenshots(browser, demo_reports, client):
    report = Path(demo_reports["reports_root"]) / client / "report.html"
    shots = Path(demo_reports["reports_root"]) / "screenshots"
    shots.mkdir(exist_ok=True)
    saved = []
    for width in (PHONE, DESKTOP):
        page, errors, _ = open_page(browser, report, width)
        try:
            assert errors == []
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"the page scrolls sideways by {overflow}px at {width}px"
            toc_position = page.evaluate("getComputedStyle(document.querySelector('nav.crm-toc')).position")
            assert toc_position == ("sticky" if width == DESKTOP else "static")
            target = shots / f"{client}_report_{width}px.png"
            page.screenshot(path=str(target), full_page=False)
            saved.append(target)
        finally:
            page.close()
    extra = os.environ.get("CRMPLAY_SCREENSHOT_DIR")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        for shot in saved:
            shutil.copy2(shot, Path(extra) / shot.name)
    print("screenshots:", *saved, sep="\n  ")
    assert all(s.stat().st_size > 1000 for s in saved)


def test_print_layout_hides_the_contents_and_breaks_before_chapters(browser, demo_reports):
    report = Path(demo_reports["reports_root"]) / "demo" / "report.html"
    page, errors, _ = open_page(browser, report, DESKTOP)
    try:
        page.emulate_media(media="print")
        assert page.evaluate("getComputedStyle(document.querySelector('nav.crm-toc')).display") == "none"
        breaks = page.evaluate("[...document.querySelectorAll('main h1')].map(h => getComputedStyle(h).breakBefore)")
        assert breaks and breaks[0] != "page" and all(b == "page" for b in breaks[1:])
        pdf = page.pdf(format="A4")
        assert pdf[:4] == b"%PDF"
    finally:
        page.close()
