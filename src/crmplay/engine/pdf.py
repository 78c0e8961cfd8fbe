"""``report.pdf``: the combined report printed by Chromium, the way reports are emailed and printed.

Debian's Chromium (``/usr/bin/chromium``, or ``$CRMPLAY_CHROMIUM``) is driven by Playwright with
``executable_path`` (no ``playwright install``, no download), headless, with every network
request refused. It prints ``report.html`` with its print stylesheet: an A4 cover page (client,
report title, consulting firm, author, date, cover note, logo), the table of contents, each
chapter on a new page, page numbers ("3 / 41") at the foot of every page but the cover, charts,
table rows and commentary never split, tables fitted to the page width; the PDF carries an
outline (bookmarks) of the headings.

Example
-------
>>> write_pdf("reports/demo")                    # doctest: +SKIP
PosixPath('reports/demo/report.pdf')
"""
from __future__ import annotations

import os
from pathlib import Path

from crmplay.core.errors import CrmplayError
from crmplay.core.fileio import write_bytes

#: Where Debian's chromium package puts the browser (``$CRMPLAY_CHROMIUM`` overrides it).
CHROMIUM = Path("/usr/bin/chromium")
#: Chromium's command-line flags: headless, no sandbox (containers), nothing fetched in the background.
LAUNCH_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync")


class PdfError(CrmplayError):
    """The PDF could not be printed; the message says what to install or run."""


def chromium_path() -> Path:
    """The Chromium executable to print with; :class:`PdfError` naming the package when absent."""
    path = Path(os.environ.get("CRMPLAY_CHROMIUM") or CHROMIUM)
    if not path.is_file():
        raise PdfError(f"Chromium was not found at {path}: install Debian's chromium package "
                       "(sudo apt-get install -y chromium) or set CRMPLAY_CHROMIUM to the browser's path")
    return path


def _playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise PdfError("printing a PDF needs the Python package playwright (pip install playwright); "
                       "the browser itself is Debian's chromium package, no `playwright install` is needed") from exc
    return sync_playwright


def print_pdf(html_path: str | Path, pdf_path: str | Path, *, timeout_s: float = 120) -> Path:
    """Print the page ``html_path`` to ``pdf_path`` (A4, its print stylesheet, written atomically).

    Raises
    ------
    PdfError
        when Chromium or Playwright is missing, or the browser fails.
    """
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path)
    if not html_path.is_file():
        raise PdfError(f"no page to print at {html_path}")
    executable = chromium_path()
    sync_playwright = _playwright()

    def only_local(route) -> None:
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            route.abort()

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(executable), args=list(LAUNCH_ARGS), headless=True,
                                        timeout=timeout_s * 1000)
            try:
                page = browser.new_page()
                page.route("**/*", only_local)
                page.goto(html_path.as_uri(), wait_until="load", timeout=timeout_s * 1000)
                page.emulate_media(media="print")
                data = page.pdf(format="A4", print_background=True, prefer_css_page_size=True,
                                outline=True, tagged=True)
            finally:
                browser.close()
    except PdfError:
        raise
    except Exception as exc:  # noqa: BLE001 - Playwright's errors: one clear message
        raise PdfError(f"Chromium could not print {html_path.name}: {type(exc).__name__}: "
                       f"{' '.join(str(exc).split())[:300]}") from exc
    return write_bytes(pdf_path, data)


def write_pdf(client_dir: str | Path) -> Path:
    """Print ``<client_dir>/report.html`` to ``<client_dir>/report.pdf``.

    Raises
    ------
    PdfError
        when there is no report (run the client first) or it cannot be printed.
    """
    client_dir = Path(client_dir)
    report = client_dir / "report.html"
    if not report.is_file():
        raise PdfError(f"no report.html in {client_dir}: run `crmplay run {client_dir.name}` first")
    return print_pdf(report, client_dir / "report.pdf")


__all__ = ["CHROMIUM", "LAUNCH_ARGS", "PdfError", "chromium_path", "print_pdf", "write_pdf"]
