"""The consultant's own words (``commentary.md``) and branding on the report pages."""
from __future__ import annotations

import nbformat
import pytest
from bs4 import BeautifulSoup

import crmplay.engine.export as report
from crmplay.core.config import ConfigError, load_config
from crmplay.engine.commentary import parse_commentary, read_commentary, render_markdown, unplaced_sections

from test_report import CTX, executed_notebook


COMMENTARY = """Notes for the Acme board (ignored: before the first section).

## Net result
The board asked about **Tabriz**: see the follow-up list.
<script>alert(1)</script>

See [outside](https://evil.example/x) and [inside](#what-it-means).
![tracker](https://evil.example/p.png)

## Net result / What it means
Only under the first "What it means" of the chapter.

## A heading that is gone
Never shown.
"""


def _page(commentary_text: str, **ctx_changes) -> BeautifulSoup:
    from dataclasses import replace

    ctx = replace(CTX, commentary=tuple(parse_commentary(commentary_text)), **ctx_changes)
    return BeautifulSoup(report.render(executed_notebook(), ctx, title="NPS"), "html.parser")


def test_each_section_goes_under_its_heading_marked_as_commentary():
    soup = _page(COMMENTARY)
    asides = soup.select("main aside.crm-commentary")
    assert len(asides) == 2
    h1 = soup.find("h1")
    assert h1.find_next_sibling("aside") is asides[0]
    assert asides[0].select_one(".crm-commentary-label").get_text() == "Consultant's commentary"
    assert "Tabriz" in asides[0].get_text() and asides[0].find("strong").get_text() == "Tabriz"
    first_h2 = soup.find_all("h2")[0]
    assert first_h2.find_next_sibling("aside") is asides[1]
    assert "A heading that is gone" not in soup.get_text() and "Never shown" not in soup.get_text()


def test_commentary_is_as_safe_as_data_text():
    soup = _page(COMMENTARY)
    aside = soup.select_one("main aside.crm-commentary")
    assert aside.find("script") is None and "<script>alert(1)</script>" in aside.get_text()
    assert aside.find("img") is None and "tracker" in aside.get_text()
    links = {a.get_text(): a.get("href") for a in aside.find_all("a")}
    assert links == {"outside": None, "inside": "#what-it-means"}
    assert render_markdown('<img src="x" onerror="alert(1)">') == (
        '<p>&lt;img src="x" onerror="alert(1)"&gt;</p>')


def test_headings_match_whatever_the_case_spacing_and_arabic_letters():
    sections = parse_commentary("## net   RESULT\nx\n## كاف\ny")
    headings = [("h1", "Net result"), ("h2", "کاف")]
    assert unplaced_sections(sections, headings) == []
    assert [s.heading for s in unplaced_sections(parse_commentary(COMMENTARY), headings)] == [
        "Net result / What it means", "A heading that is gone"]


def test_commentary_is_read_from_the_client_folder_at_render_time(tmp_path):
    (tmp_path / "client.toml").write_text('[client]\nname = "Acme"\n[branding]\nfirm = "Northwind"\n'
                                          'author = "Sara Ahmadi"\ncover_note = "Confidential"\n', encoding="utf-8")
    assert read_commentary(tmp_path) == []
    (tmp_path / "commentary.md").write_text("## Net result\nFirst words.", encoding="utf-8")
    ctx = report.make_context(load_config(tmp_path))
    assert [s.heading for s in ctx.commentary] == ["Net result"]
    assert (ctx.firm, ctx.author, ctx.cover_note, ctx.data_supplied) == ("Northwind", "Sara Ahmadi", "Confidential", False)
    (tmp_path / "commentary.md").write_text("## Net result\nSecond words.", encoding="utf-8")
    assert "Second words" in report.make_context(load_config(tmp_path)).commentary[0].markdown


def test_branding_shows_firm_author_and_the_cover_note_on_the_combined_report(tmp_path):
    from dataclasses import replace

    ctx = replace(CTX, firm="Northwind <Advisory>", author="Sara", cover_note="For the board")
    path = report.write_combined_report([report.Chapter("nps", "NPS", executed_notebook())], ctx, tmp_path)
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    assert "crm-combined" in soup.body["class"]
    by = soup.select_one(".crm-header .crm-by").get_text(" ", strip=True)
    assert "Prepared by" in by and "Northwind <Advisory>" in by and "Sara" in by
    assert soup.select_one(".crm-cover-note").get_text() == "For the board"
    assert len(soup.select("img.crm-logo")) == 1, "the logo is embedded once per page"
    assert "crmplay" in soup.select_one("footer").get_text() and "crmplay" not in soup.select_one(".crm-header").get_text()
    step_page = BeautifulSoup(report.render(executed_notebook(), ctx, title="NPS"), "html.parser")
    assert step_page.select_one(".crm-cover-note") is None  # the cover note is for the cover


def test_a_report_without_data_says_so_first():
    from dataclasses import replace

    soup = BeautifulSoup(report.render(executed_notebook(), replace(CTX, data_supplied=False), title="x"), "html.parser")
    first = soup.find("main").find(True)
    assert "crm-no-data" in first["class"] and "No data was supplied" in first.get_text()
    assert soup.select_one(".crm-no-data") is not None
    assert BeautifulSoup(report.render(executed_notebook(), CTX, title="x"), "html.parser").select_one(".crm-no-data") is None


@pytest.mark.parametrize("toml, problem", [
    ('firm = "A\\nB"', "keep it on one line"),
    (f'cover_note = "{"x" * 501}"', "at most 500"),
])
def test_branding_texts_are_checked(tmp_path, toml, problem):
    (tmp_path / "client.toml").write_text(f'[client]\nname = "Acme"\n[branding]\n{toml}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=problem):
        load_config(tmp_path)
