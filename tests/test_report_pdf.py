"""``report.pdf``: the demo's combined report printed by Chromium (Playwright with the system
executable). It opens, has a cover (client and title, no page number) and page numbers; a
missing browser or package gives a clear error naming what to install."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import IN_CI, crmplay_command

from crmplay.engine import pdf


def _pdf_pages(path: Path) -> list[str]:
    """The text of each page (poppler's pdftotext, else pypdf); skip when neither is installed."""
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
        return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")
    try:
        from pypdf import PdfReader
    except ImportError:
        message = "reading the PDF needs poppler-utils (pdftotext) or pypdf"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


@pytest.mark.browser
def test_the_demo_report_prints_with_a_cover_contents_and_page_numbers(demo_reports, tmp_path):
    if not pdf.CHROMIUM.is_file():
        (pytest.fail if IN_CI else pytest.skip)(f"{pdf.CHROMIUM} is missing: apt-get install -y chromium")
    client_dir = tmp_path / "demo"
    shutil.copytree(Path(demo_reports["reports_root"]) / "demo", client_dir)
    proc = subprocess.run(crmplay_command() + ["pdf", "demo", "--reports-root", str(tmp_path)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    path = client_dir / "report.pdf"
    assert str(path) in proc.stdout and path.read_bytes()[:5] == b"%PDF-"
    pages = _pdf_pages(path)
    total = len(pages)
    print(f"report.pdf: {total} pages, {path.stat().st_size // 1024} KiB")
    assert total >= 10
    cover = " ".join(pages[0].split())
    assert "Parsian Mobile & Net (demo)" in cover and "CRM engagement report" in cover
    assert not re.search(rf"\b1 / {total}\b", cover), "the cover carries no page number"
    assert "Contents" in pages[1] and "Executive summary" in pages[1]
    for number in (2, total // 2, total):
        assert re.search(rf"\b{number} / {total}\b", pages[number - 1]), f"no page number on page {number}"


def test_a_missing_chromium_names_the_package(monkeypatch, tmp_path):
    monkeypatch.setenv("CRMPLAY_CHROMIUM", str(tmp_path / "no-browser"))
    (tmp_path / "report.html").write_text("<html></html>", encoding="utf-8")
    with pytest.raises(pdf.PdfError, match="chromium package"):
        pdf.write_pdf(tmp_path)


def test_a_missing_playwright_names_the_package(monkeypatch, tmp_path):
    import builtins

    real_import = builtins.__import__

    def no_playwright(name, *args, **kwargs):
        if name.startswith("playwright"):
            raise ImportError("No module named 'playwright'")
        return real_import(name, *args, **kwargs)

    fake = tmp_path / "chromium"
    fake.write_text("")
    monkeypatch.setenv("CRMPLAY_CHROMIUM", str(fake))
    monkeypatch.setattr(builtins, "__import__", no_playwright)
    (tmp_path / "report.html").write_text("<html></html>", encoding="utf-8")
    with pytest.raises(pdf.PdfError, match=r"pip install playwright"):
        pdf.write_pdf(tmp_path)


def test_no_report_to_print(tmp_path):
    with pytest.raises(pdf.PdfError, match="crmplay run"):
        pdf.write_pdf(tmp_path / "acme")


def test_the_pdf_command_without_a_report_is_a_usage_error(tmp_path, capsys):
    from crmplay import cli

    assert cli.main(["pdf", "acme", "--reports-root", str(tmp_path)]) == 2
    assert "crmplay run acme" in capsys.readouterr().err
