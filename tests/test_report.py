"""The exporter and the index pages, on hand-built executed notebooks: what stakeholders see
(no code, no parameters, no errors, one language), offline pages, table of contents,
branding, escaping, and the portfolio's defensive reading of results."""
from __future__ import annotations

import base64
import json
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

import crmplay.engine.export as report
import crmplay.engine.pages as report_pages
from crmplay.core.steps import Step

PNG_1PX = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def _md(text, *tags):
    cell = nbformat.v4.new_markdown_cell(text)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def _code(source, outputs=(), *tags):
    cell = nbformat.v4.new_code_cell(source)
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    cell.execution_count = 1
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def _html_out(html):
    return {"output_type": "display_data", "data": {"text/html": html}, "metadata": {}}


def executed_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [
        _code('client = "demo"\nlang = ""', [], "parameters"),
        _code('client = "acme"\ndata_root = "/secret/path"', [], "injected-parameters"),
        _md("# Net result\n\nWhy it matters.", "lang-en"),
        _md("# نتیجه‌ی خالص\n\nچرا مهم است.", "lang-fa"),
        _md("## What it means", "lang-en"),
        _md("## معنای آن", "lang-fa"),
        _code("SECRET_CODE_MARKER = 1\nshow()", [
            _html_out("<table><tr><th>segment</th><td>1</td></tr></table>"),
            {"output_type": "stream", "name": "stderr", "text": "STDERR_NOISE warning\n"},
            {"output_type": "display_data", "data": {"image/png": PNG_1PX, "text/plain": "<Figure>"}, "metadata": {}},
            {"output_type": "execute_result", "execution_count": 1, "metadata": {},
             "data": {"text/plain": "PosixPath('/home/consultant/secret')"}},
        ]),
        _code("consultant_only()", [{"output_type": "stream", "name": "stdout", "text": "REMOVE_ME\n"}], "remove"),
        _code("boom()", [{"output_type": "error", "ename": "KeyError", "evalue": "'ERROR_MARKER'",
                          "traceback": ["KeyError: 'ERROR_MARKER'"]}]),
        _md("## What it means", "lang-en"),  # a second heading with the same text
        _code("x = 1"),  # no output: disappears from the stakeholder page
    ]
    return nb


CTX = report.ReportContext(client_id="acme", client_name="Acme <script>alert(1)</script> & Co",
                           lang="en", colour="#aa3300", logo=f"data:image/png;base64,{PNG_1PX}",
                           run_date="2025-03-21")


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parse(html):
    c = _Collector()
    c.feed(html)
    return c.tags


def assert_offline(html):
    """No script at all, and every src/href is local (no scheme) or a data: URI."""
    tags = parse(html)
    assert not [t for t, _ in tags if t == "script"], "scripts found"
    for tag, attrs in tags:
        for key in ("src", "href"):
            value = attrs.get(key)
            if value is not None:
                assert not value.lower().startswith(("http:", "https:", "//")), (tag, key, value)


# --------------------------------------------------------------------------------------------
# select_cells


def test_stakeholder_cells_drop_code_parameters_noise_and_the_other_language():
    chosen = report.select_cells(executed_notebook(), "en", "stakeholder")
    text = json.dumps(chosen)
    for gone in ("parameters", "/secret/path", "نتیجه", "REMOVE_ME", "ERROR_MARKER", "STDERR_NOISE",
                 "SECRET_CODE_MARKER", "PosixPath"):
        assert gone not in text, gone
    assert "Net result" in text and "segment" in text and PNG_1PX in text
    assert all(c.source == "" for c in chosen.cells if c.cell_type == "code")


def test_persian_cells_replace_the_english_ones():
    chosen = report.select_cells(executed_notebook(), "fa", "stakeholder")
    text = json.dumps(chosen, ensure_ascii=False)
    assert "نتیجه‌ی خالص" in text and "Net result" not in text


def test_the_consultant_variant_keeps_code_errors_and_parameters_but_one_language():
    chosen = report.select_cells(executed_notebook(), "en", "consultant")
    text = json.dumps(chosen)
    for kept in ("SECRET_CODE_MARKER", "ERROR_MARKER", "injected-parameters", "REMOVE_ME"):
        assert kept in text
    assert "نتیجه" not in json.dumps(chosen, ensure_ascii=False)


def test_unknown_variant_is_refused():
    with pytest.raises(ValueError, match="variant"):
        report.select_cells(executed_notebook(), "en", "public")


# --------------------------------------------------------------------------------------------
# render


@pytest.fixture(scope="module")
def stakeholder_html():
    return report.render(executed_notebook(), CTX, title="Net Promoter Score", back_link="index.html")


@pytest.fixture(scope="module")
def consultant_html():
    return report.render(executed_notebook(), CTX, title="Net Promoter Score", variant="consultant")


def test_stakeholder_page_has_no_code_and_loads_nothing(stakeholder_html):
    html = stakeholder_html
    assert_offline(html)
    for gone in ("jp-InputArea", "jp-InputPrompt", "In&nbsp;[", "SECRET_CODE_MARKER", "ERROR_MARKER",
                 "STDERR_NOISE", "/secret/path", "require.js", "mathjax", "MathJax", "mermaid",
                 "cdn", "fonts.googleapis"):
        assert gone not in html, gone
    assert "Content-Security-Policy" in html and "default-src 'none'" in html


def test_page_carries_branding_language_and_run_facts(stakeholder_html):
    html = stakeholder_html
    assert '<html dir="ltr" lang="en">' in html or ('lang="en"' in html and 'dir="ltr"' in html)
    assert "--crm-brand: #aa3300" in html
    assert f'src="data:image/png;base64,{PNG_1PX}"' in html
    assert "Run date: 2025-03-21" in html and f"crmplay {report.__version__}" in html
    assert "Net Promoter Score" in html  # the page title


def test_client_name_is_escaped(stakeholder_html):
    assert "<script>alert(1)</script>" not in stakeholder_html
    assert "Acme &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in stakeholder_html


def test_table_of_contents_from_headings_with_unique_ids(stakeholder_html):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(stakeholder_html, "html.parser")
    links = [(li["class"][0], a["href"], a.get_text()) for li in soup.select("nav.crm-toc li") for a in li.select("a")]
    assert [text for _, _, text in links] == ["Net result", "What it means", "What it means"]
    assert links[0][0] == "crm-toc-h1" and links[1][0] == "crm-toc-h2"
    targets = [href[1:] for _, href, _ in links]
    assert len(set(targets)) == 3
    for target in targets:
        assert soup.find(id=target) is not None
    assert "crm-first" in soup.find("h1")["class"]


def test_tables_scroll_inside_their_own_box(stakeholder_html):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(stakeholder_html, "html.parser")
    tables = soup.select("main table")
    assert tables and all("crm-scroll" in t.parent.get("class", []) for t in tables)


def test_stylesheet_is_responsive_printable_and_uses_system_fonts(stakeholder_html):
    html = stakeholder_html
    assert "@media print" in html and "break-before: page" in html
    assert "@media (min-width: 960px)" in html
    assert "system-ui" in html and "@font-face" not in html and "@import" not in html


@pytest.mark.e2e
def test_a_chart_shown_by_show_figure_carries_its_title_as_alt_text():
    """Through a real kernel: show_figure draws the chart as inline SVG carrying its description
    (role="img", aria-label, <title>), also kept in the output metadata; the template puts the
    SVG in the page as is (not nbconvert's generic "No description ..." image)."""
    from bs4 import BeautifulSoup
    from nbclient import NotebookClient

    title = 'Detractors by touchpoint & "plan" <2025>'
    nb = nbformat.v4.new_notebook()
    nb.cells = [_md("# Charts"), nbformat.v4.new_code_cell(
        "import matplotlib\nmatplotlib.use('module://matplotlib_inline.backend_inline')\n"
        "import matplotlib.pyplot as plt\nfrom crmplay.notebook import StepContext\n"
        f"fig, ax = plt.subplots(figsize=(2, 1.5)); ax.bar(['a'], [1]); ax.set_title({title!r})\n"
        "StepContext.show_figure(None, fig)\n"
        "fig2, ax2 = plt.subplots(figsize=(2, 1.5)); ax2.plot([1, 2])\n"
        "StepContext.show_figure(None, fig2, alt='Monthly NPS, 2024-2025')\n")]
    NotebookClient(nb, kernel_name="python3", timeout=120).execute()
    charts = [o for o in nb.cells[1].outputs if "image/svg+xml" in o.get("data", {})]
    assert [o.metadata["image/svg+xml"]["alt"] for o in charts] == [title, "Monthly NPS, 2024-2025"]
    assert not [o for o in nb.cells[1].outputs if "image/png" in o.get("data", {})]
    html = report.render(nb, CTX, title="NPS")
    soup = BeautifulSoup(html, "html.parser")
    svgs = soup.select("main figure.crm-chart > svg")
    assert [svg.get("aria-label") for svg in svgs] == [title, "Monthly NPS, 2024-2025"]
    assert all(svg.get("role") == "img" for svg in svgs)
    assert [svg.find("title").get_text() for svg in svgs] == [title, "Monthly NPS, 2024-2025"]
    assert "No description has been provided" not in html and not soup.select("main img")
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids)), "two charts share an id"


def test_a_chart_without_a_description_is_described_by_its_section(stakeholder_html):
    from bs4 import BeautifulSoup

    charts = BeautifulSoup(stakeholder_html, "html.parser").select("main img")
    assert [img["alt"] for img in charts] == ["Chart: What it means"]
    assert report.NBCONVERT_GENERIC_ALT not in stakeholder_html


def test_figure_description_joins_the_titles():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from crmplay.notebook import figure_description

    fig, (left, right) = plt.subplots(1, 2)
    fig.suptitle("Needs")
    left.set_title("Importance  vs\nperformance")
    right.set_title("Kano", loc="left")
    assert figure_description(fig) == "Needs · Importance vs performance · Kano"
    plt.close(fig)
    bare = plt.figure()
    bare.add_subplot()
    assert figure_description(bare) == ""
    plt.close(bare)


def test_consultant_page_shows_the_code(consultant_html):
    assert "SECRET_CODE_MARKER" in consultant_html and "ERROR_MARKER" in consultant_html
    assert "jp-InputArea" in consultant_html
    assert_offline(consultant_html)


def test_a_notebook_without_a_title_gets_the_step_title():
    nb = nbformat.v4.new_notebook(cells=[_code("x", [_html_out("<p>body</p>")])])
    html = report.render(nb, CTX, title="Loyalty <program>")
    assert "<h1" in html and "Loyalty &lt;program&gt;" in html


def test_persian_page_is_right_to_left():
    ctx = report.ReportContext("acme", "شرکت", lang="fa", run_date="۱۴۰۴/۰۱/۰۱")
    html = report.render(executed_notebook(), ctx, title="NPS")
    assert 'dir="rtl"' in html and 'lang="fa"' in html and "نتیجه‌ی خالص" in html
    assert "فهرست" in html  # "Contents" from the Persian catalogue


# --------------------------------------------------------------------------------------------
# combined report


def test_combined_report_puts_the_summary_first_and_lists_what_is_missing(tmp_path):
    nb = executed_notebook()
    chapters = [report.Chapter("nps", "NPS", nb), report.Chapter("summary", "Executive summary", nb)]
    path = report.write_combined_report(chapters, CTX, tmp_path, missing=[("Loyalty", "skipped", "no <transactions>")])
    html = path.read_text(encoding="utf-8")
    assert html.index('id="step-summary"') < html.index('id="step-nps"')
    assert "Chapters not included" in html and "no &lt;transactions&gt;" in html
    assert_offline(html)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report.xlsx"]


def test_combined_order():
    nb = nbformat.v4.new_notebook()
    chapters = [report.Chapter(s, s, nb) for s in ("a", "b", "summary", "c")]
    assert [c.step for c in report.combined_order(chapters)] == ["summary", "a", "b", "c"]


def test_logo_data_uri(tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(base64.b64decode(PNG_1PX))
    assert report.logo_data_uri(logo) == f"data:image/png;base64,{PNG_1PX}"
    assert report.logo_data_uri(tmp_path / "absent.png") == ""
    (tmp_path / "notes.txt").write_text("x")
    assert report.logo_data_uri(tmp_path / "notes.txt") == ""


# --------------------------------------------------------------------------------------------
# portfolio


STEPS = [Step("nps", "Net Promoter Score", Path("x.ipynb"), title_fa="ان‌پی‌اس"),
         Step("loyalty", "Loyalty", Path("y.ipynb"))]


def _client(root: Path, name: str, run: dict, results: dict[str, object]) -> None:
    folder = root / name
    (folder / "results").mkdir(parents=True)
    (folder / "run.json").write_text(json.dumps(run), encoding="utf-8")
    for step, data in results.items():
        text = data if isinstance(data, str) else json.dumps(data)
        (folder / "results" / f"{step}.json").write_text(text, encoding="utf-8")


def test_headline_reads_results_defensively(tmp_path):
    _client(tmp_path, "full", {}, {
        "nps": {"nps": 23.44, "ci_low": 18.0, "ci_high": 28.9},
        "needs": {"priorities": [{"rank": 1, "id": "clear_bills", "label_en": "Clear bills", "label_fa": "صورتحساب روشن"}]},
        "dimensions": {"top": [{"id": "no_such_dimension"}]},
        "loyalty": {"at_risk_customers": 1234},
    })
    h = report_pages.headline(tmp_path / "full" / "results", "en")
    assert h == {"nps": "+23.4", "nps_interval": "+18.0 … +28.9", "top_need": "Clear bills",
                 "top_dimension": "no_such_dimension", "at_risk": "1,234"}
    assert report_pages.headline(tmp_path / "full" / "results", "fa")["top_need"] == "صورتحساب روشن"
    _client(tmp_path, "broken", {}, {"nps": "{not json", "needs": {"priorities": "oops"},
                                     "loyalty": {"at_risk_customers": "many"}, "dimensions": []})
    assert set(report_pages.headline(tmp_path / "broken" / "results").values()) == {"–"}
    assert set(report_pages.headline(tmp_path / "nobody" / "results").values()) == {"–"}


def test_portfolio_page_lists_clients_with_statuses_and_escapes_names(tmp_path):
    _client(tmp_path, "good", {"client": "good", "client_name": "Good <b>Co</b>", "status": "ok",
                               "started_at": "2025-03-21T10:00:00+00:00",
                               "steps": [{"id": "nps", "status": "ok"}, {"id": "loyalty", "status": "skipped", "reason": "no data"}]},
            {"nps": {"nps": -5, "ci_low": -9, "ci_high": -1}})
    _client(tmp_path, "bad", {"client": "bad", "status": "failed", "reason": "client.toml: 2 problem(s)\n  - x",
                              "started_at": "2025-03-21T10:00:00+00:00", "steps": []}, {})
    path = report_pages.write_portfolio(tmp_path, STEPS)
    html = path.read_text(encoding="utf-8")
    assert_offline(html)
    assert "Good &lt;b&gt;Co&lt;/b&gt;" in html and 'href="good/index.html"' in html
    assert '"Segoe UI"' in html, "the inlined stylesheet was HTML-escaped"
    assert "−5.0" not in html and "-5.0" in html
    assert "client.toml: 2 problem(s)" in html
    assert html.count("crm-status-failed") >= 1 and "crm-status-skipped" in html
    fa = report_pages.write_portfolio(tmp_path, STEPS, lang="fa").read_text(encoding="utf-8")
    assert 'dir="rtl"' in fa and "ان‌پی‌اس" in fa and "−۵٫۰" in fa


def test_headline_falls_back_to_the_summary_digest(tmp_path):
    _client(tmp_path, "digest", {}, {"summary": {"portfolio": {"nps": 12, "nps_ci_low": 8, "nps_ci_high": 16,
                                                               "top_need": "Clear bills", "top_dimension": "clear_bills"}}})
    h = report_pages.headline(tmp_path / "digest" / "results", "en")
    assert h["nps"] == "+12.0" and h["nps_interval"] == "+8.0 … +16.0" and h["top_need"] == "Clear bills"
    assert h["top_dimension"] not in ("–", "clear_bills")  # the dimension's title from crmplay.core.frameworks


def test_no_page_keeps_a_url_that_leads_or_loads_outside_the_report():
    # text from client data can reach a page as Markdown; the last gate drops what it would load
    from bs4 import BeautifulSoup

    from crmplay.engine.export import drop_outside_urls

    soup = BeautifulSoup(
        '<main><img src="https://host/p.png" alt="p"><a href="javascript:alert(2)">x</a>'
        '<a href="nps.html">n</a><img src="data:image/png;base64,AA"><a href="#top">t</a>'
        '<a href="//host/x">y</a><a href=" JaVaScRiPt:alert(1)">z</a><iframe src="http://h"></iframe></main>',
        "html.parser")
    assert drop_outside_urls(soup) == 5  # the image, the iframe and three links
    html = str(soup)
    assert "https://" not in html and "javascript" not in html.lower() and "//host" not in html
    assert 'href="nps.html"' in html and 'href="#top"' in html and 'src="data:image/png' in html


def test_markdown_in_a_data_value_stays_text():
    from nbconvert.filters.markdown import markdown2html  # what renders the report's Markdown

    from crmplay.core.markdown import escape_markdown

    from bs4 import BeautifulSoup

    from crmplay.engine.export import drop_outside_urls

    payload = "![p](https://host/p.png) [x](javascript:alert(2)) <b>bold</b>"
    rendered = markdown2html("Column " + escape_markdown(payload))
    assert "<img" not in rendered and "<b>" not in rendered and "javascript:alert(2)\"" not in rendered
    # the renderer still links a bare URL; the page's last gate takes the link away, text stays
    soup = BeautifulSoup(rendered, "html.parser")
    drop_outside_urls(soup)
    assert soup.find(href=True) is None and soup.find(src=True) is None
    assert "host/p.png" in soup.get_text()
