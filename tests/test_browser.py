"""The generated reports in headless Chromium (Debian's ``chromium`` driven by Playwright; no
``playwright install``), on the shared demo run (``demo_reports`` in conftest.py):

- every stakeholder page (both demo clients, and the portfolio page): no console errors, no
  network requests, the right direction, no horizontal scrolling at 1366 px (neither the page
  nor any table box), none at 390 px either;
- at 390 px every chart label is at least 10 CSS px high (measured on the SVG: the screen
  transform of each text's glyph group, whose em is 100 units); label overlaps are measured and
  printed;
- printing: the combined report opens with its cover and contents, breaks before chapters,
  and no chart or table is wider than the printed page.

Screenshots at 390 and 1366 px are saved beside the test run's reports (path printed) and copied
to ``$CRMPLAY_SCREENSHOT_DIR`` when set (the README's come from ``playbook/screenshots``)."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import IN_CI

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE, DESKTOP = 390, 1366
MIN_LABEL_PX = 10.0
CLIENTS = [("demo", "ltr"), ("demo_fa", "rtl")]

#: Font size (CSS px) of every chart label: matplotlib draws a label as a group scaled so that its
#: glyphs' em is 100 units (``scale(size/100)``); the screen transform of that group gives it.
LABEL_SIZES_JS = """
() => [...document.querySelectorAll('svg.crm-svg')].map((svg, i) => {
  const labels = [...svg.querySelectorAll('g.crm-label')].map(g => {
    const glyphs = g.querySelector('g[transform]') || g;
    const m = glyphs.getScreenCTM();
    const box = g.getBoundingClientRect();
    return {px: 100 * Math.hypot(m.c, m.d), box: [box.left, box.top, box.right, box.bottom],
            visible: box.width > 0 && box.height > 0};
  }).filter(l => l.visible);
  return {chart: i, title: svg.getAttribute('aria-label') || '', width: svg.getBoundingClientRect().width, labels};
})
"""

#: Boxes wider than their column: [what, scrollWidth, clientWidth].
SIDEWAYS_JS = """
() => [...document.querySelectorAll('.crm-scroll, main, .jp-OutputArea-output')]
  .filter(el => el.scrollWidth > el.clientWidth + 1)
  .map(el => [el.className || el.tagName, el.scrollWidth, el.clientWidth, (el.innerText || '').slice(0, 60)])
"""


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
    page.wait_for_timeout(150)
    return page, errors, requests


def stakeholder_pages(reports_root: Path, client: str) -> list[Path]:
    """Every page a stakeholder may open: the index, the report and each chapter's page."""
    client_dir = reports_root / client
    return sorted(p for p in client_dir.glob("*.html"))


@pytest.fixture(scope="module")
def portfolio(demo_reports, tmp_path_factory) -> Path:
    """The portfolio page of the two demo clients, written to a copy of their run files."""
    from crmplay.chapters.registry import steps
    from crmplay.engine.pages import write_portfolio

    root = tmp_path_factory.mktemp("portfolio")
    for client, _ in CLIENTS:
        source = Path(demo_reports["reports_root"]) / client
        shutil.copytree(source / "results", root / client / "results")
        shutil.copy2(source / "run.json", root / client / "run.json")
    return write_portfolio(root, steps(), lang="en")


def overlaps(labels: list[dict], tolerance: float = 1.0) -> list[tuple[int, int]]:
    """Pairs of label boxes that overlap by more than ``tolerance`` px in both directions."""
    found = []
    for i, a in enumerate(labels):
        for j in range(i + 1, len(labels)):
            b = labels[j]["box"]
            x = min(a["box"][2], b[2]) - max(a["box"][0], b[0])
            y = min(a["box"][3], b[3]) - max(a["box"][1], b[1])
            if x > tolerance and y > tolerance:
                found.append((i, j))
    return found


@pytest.mark.parametrize("client, direction", CLIENTS)
def test_every_stakeholder_page_is_clean_and_fits_at_1366(browser, demo_reports, client, direction):
    pages = stakeholder_pages(Path(demo_reports["reports_root"]), client)
    assert {"index.html", "report.html"} <= {p.name for p in pages}
    for path in pages:
        page, errors, requests = open_page(browser, path, DESKTOP)
        try:
            assert errors == [], f"{path.name}: {errors[:3]}"
            foreign = [u for u in requests if not u.startswith(("file:", "data:"))]
            assert foreign == [], f"{path.name}: network requests {foreign[:5]}"
            assert page.evaluate("getComputedStyle(document.documentElement).direction") == direction
            assert page.locator("main").inner_text().strip(), f"{path.name}: empty page"
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{path.name} scrolls sideways by {overflow}px at {DESKTOP}px"
            sideways = page.evaluate(SIDEWAYS_JS)
            assert sideways == [], f"{path.name}: boxes scroll sideways at {DESKTOP}px: {sideways[:3]}"
            assert not page.locator("a[href*='consultant']").count(), f"{path.name} links a consultant page"
        finally:
            page.close()


def test_the_portfolio_shows_every_step_column_at_1366(browser, portfolio):
    page, errors, requests = open_page(browser, portfolio, DESKTOP)
    try:
        assert errors == [] and [u for u in requests if not u.startswith(("file:", "data:"))] == []
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
        assert page.evaluate(SIDEWAYS_JS) == []
        cut = page.evaluate("""() => [...document.querySelectorAll('table.crm-portfolio th, table.crm-portfolio td')]
            .filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.innerText)""")
        assert cut == [], f"cut cells: {cut[:5]}"
    finally:
        page.close()


@pytest.mark.parametrize("client, direction", CLIENTS)
def test_chart_labels_are_at_least_10px_on_a_phone(browser, demo_reports, client, direction):
    report = Path(demo_reports["reports_root"]) / client / "report.html"
    page, errors, _ = open_page(browser, report, PHONE)
    try:
        assert errors == []
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
        charts = page.evaluate(LABEL_SIZES_JS)
        assert charts and page.locator("main img").count() == 0, "charts are not inline SVG"
        sizes = [label["px"] for chart in charts for label in chart["labels"]]
        small = [(c["title"][:40], round(l["px"], 1)) for c in charts for l in c["labels"] if l["px"] < MIN_LABEL_PX]
        collisions = {c["title"][:50]: len(overlaps(c["labels"])) for c in charts if overlaps(c["labels"])}
        print(f"{client}: {len(charts)} charts, {len(sizes)} labels at {PHONE}px: smallest "
              f"{min(sizes):.1f}px, widest chart {max(c['width'] for c in charts):.0f}px; "
              f"overlapping label pairs: {json.dumps(collisions, ensure_ascii=False)}")
        assert small == [], f"labels under {MIN_LABEL_PX}px at {PHONE}px: {small[:10]}"
    finally:
        page.close()


@pytest.mark.parametrize("client, direction", CLIENTS)
def test_phone_and_desktop_screenshots(browser, demo_reports, portfolio, client, direction):
    reports_root = Path(demo_reports["reports_root"])
    shots = reports_root / "screenshots"
    shots.mkdir(exist_ok=True)
    saved = []
    targets = [("report", reports_root / client / "report.html"), ("index", reports_root / client / "index.html")]
    if client == "demo":
        targets.append(("portfolio", portfolio))
    for name, path in targets:
        for width in (PHONE, DESKTOP):
            page, errors, _ = open_page(browser, path, width)
            try:
                assert errors == []
                assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
                if name == "report":
                    toc = page.evaluate("getComputedStyle(document.querySelector('nav.crm-toc')).position")
                    assert toc == ("sticky" if width == DESKTOP else "static")
                    if width == PHONE:  # the first chart and the first wide table, as a phone shows them
                        for selector, what in (("figure.crm-chart", "chart"), ("table:has(th:nth-child(4))", "table")):
                            element = page.locator(selector).first
                            element.scroll_into_view_if_needed()
                            target = shots / f"{client}_{what}_{width}px.png"
                            element.screenshot(path=str(target))
                            saved.append(target)
                target = shots / f"{client}_{name}_{width}px.png"
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


def test_print_layout_has_a_cover_contents_and_nothing_wider_than_the_page(browser, demo_reports):
    report = Path(demo_reports["reports_root"]) / "demo" / "report.html"
    page = browser.new_page(viewport={"width": 794, "height": 1123})  # A4 at 96 dpi
    try:
        page.goto(report.as_uri(), wait_until="load")
        page.emulate_media(media="print")
        assert page.evaluate("getComputedStyle(document.querySelector('nav.crm-toc')).display") == "block"
        assert page.evaluate("getComputedStyle(document.querySelector('.crm-header')).breakAfter") == "page"
        breaks = page.evaluate("[...document.querySelectorAll('main h1')].map(h => getComputedStyle(h).breakBefore)")
        assert breaks and breaks[0] != "page" and all(b == "page" for b in breaks[1:])
        wide = page.evaluate("""() => { const main = document.querySelector('main').getBoundingClientRect();
            return [...document.querySelectorAll('main table, main svg.crm-svg')]
              .map(el => [el.tagName, Math.round(el.getBoundingClientRect().width), (el.innerText || el.getAttribute('aria-label') || '').slice(0, 50)])
              .filter(([, w]) => w > main.width + 1); }""")
        assert wide == [], f"wider than the printed page: {wide[:5]}"
    finally:
        page.close()
