"""The combined report is assembled from the step pages already rendered (no second nbconvert
conversion) and stays equivalent to the report converted as one notebook: same chapters in the
same order, same visible text, charts and tables per chapter, one set of styles, the contents,
the "not included" list, unique ids, nothing from outside the file, and its Excel copy.

Hand-built notebooks here; the demo clients in ``test_the_demo_report_matches_the_converted_one``
(e2e: it reads the ``demo_reports`` run)."""
from __future__ import annotations

import collections
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pytest  # noqa: E402
from bs4 import BeautifulSoup  # noqa: E402

import crmplay.engine.export as report  # noqa: E402
from crmplay import charts  # noqa: E402
from crmplay.engine.commentary import Section  # noqa: E402
from crmplay.engine.html import ChartStash, finish_page, is_inside_url  # noqa: E402
from crmplay.engine.workbook import tables_of  # noqa: E402

CTX = report.ReportContext("acme", "Acme & Sons", run_date="2025-03-21")
MISSING = [("Loyalty", "skipped", "no <transactions>")]


# --------------------------------------------------------------------------------------------
# Comparing two combined reports


def chapters_of(html: str) -> "collections.OrderedDict[str, dict]":
    """Per chapter (split at the ``step-<id>`` anchors): visible text (charts, styles and the
    commentary label aside), and the number of charts (top-level ``<svg>``) and tables."""
    soup = BeautifulSoup(html, "html.parser")
    out: collections.OrderedDict[str, dict] = collections.OrderedDict()
    current = out.setdefault("(before)", {"text": [], "svg": 0, "table": 0})
    for node in soup.find("main").descendants:
        name = getattr(node, "name", None)
        if name == "div" and str(node.get("id", "")).startswith("step-"):
            current = out.setdefault(node["id"], {"text": [], "svg": 0, "table": 0})
        elif name == "svg" and node.find_parent("svg") is None:
            current["svg"] += 1
        elif name == "table":
            current["table"] += 1
        elif name is None and str(node).strip() and node.find_parent(["svg", "style", "script"]) is None:
            current["text"].append(" ".join(str(node).split()))
    return out


def assert_equivalent(assembled: str, converted: str) -> None:
    got, want = chapters_of(assembled), chapters_of(converted)
    assert list(got) == list(want), "chapters differ or are in another order"
    for step in want:
        assert got[step]["text"] == want[step]["text"], f"{step}: the visible text differs"
        assert (got[step]["svg"], got[step]["table"]) == (want[step]["svg"], want[step]["table"]), step
    a, b = BeautifulSoup(assembled, "html.parser"), BeautifulSoup(converted, "html.parser")
    assert [(li["class"], li.a["href"], li.get_text()) for li in a.select("nav.crm-toc li")] == \
        [(li["class"], li.a["href"], li.get_text()) for li in b.select("nav.crm-toc li")]
    assert [s.get_text() for s in a.head.find_all("style")] == [s.get_text() for s in b.head.find_all("style")]
    assert len(a.find_all("style")) == len(b.find_all("style")), "styles repeated per chapter"
    assert a.body["class"] == b.body["class"] and "crm-combined" in a.body["class"]
    assert [h.get("id") for h in a.select(".crm-first")] == [h.get("id") for h in b.select(".crm-first")]
    assert_unique_ids(assembled)
    assert_self_contained(assembled)
    assert [(t.name, t.header, t.rows) for t in tables_of(assembled)] == \
        [(t.name, t.header, t.rows) for t in tables_of(converted)]


def assert_unique_ids(html: str) -> None:
    ids = re.findall(r'\sid="([^"]*)"', html)
    duplicated = [i for i, n in collections.Counter(ids).items() if n > 1]
    assert ids and duplicated == []


def assert_self_contained(html: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(True):
        for attribute in ("src", "href", "xlink:href", "srcset", "action", "data", "poster"):
            value = tag.get(attribute)
            if value is not None:
                assert is_inside_url(value if isinstance(value, str) else " ".join(value), attribute), (tag.name, value)


# --------------------------------------------------------------------------------------------
# Hand-built chapters


def _chart(title: str, values=(3, 1, 2)) -> str:
    charts.apply_style()
    fig, ax = charts.new_figure(8, 4)
    ax.barh(["Clear bills", "One number for every problem", "Alerts"], list(values))
    ax.set_title(title)
    svg = charts.figure_svg(fig, title)
    plt.close(fig)
    return svg


def _notebook(title: str, chart: str, *, lang_cells: bool = True) -> nbformat.NotebookNode:
    def code(source, outputs, cell_id):
        cell = nbformat.v4.new_code_cell(source)
        cell.outputs = [nbformat.from_dict(o) for o in outputs]
        cell.execution_count = 1
        cell["id"] = cell_id  # the same ids in every chapter: they must not clash in report.html
        return cell

    def md(text, *tags):
        cell = nbformat.v4.new_markdown_cell(text)
        cell.metadata["tags"] = list(tags)
        return cell

    nb = nbformat.v4.new_notebook()
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [code('client = "demo"', [], "params")]
    nb.cells[0].metadata["tags"] = ["parameters"]
    if lang_cells:
        nb.cells += [md(f"# {title}\n\nWhy it matters.", "lang-en"), md(f"# {title} (فارسی)\n\nچرا مهم است.", "lang-fa")]
    nb.cells += [
        md("## What to do next"),
        code("show()", [
            {"output_type": "display_data", "metadata": {},
             "data": {"text/html": '<table><thead><tr><th>plan</th><th>n</th></tr></thead>'
                                   '<tbody><tr><td>Gold</td><td data-value="12">12</td></tr></tbody></table>'}},
            {"output_type": "display_data", "metadata": {"image/svg+xml": {"alt": title}},
             "data": {"image/svg+xml": chart, "text/plain": title}},
            {"output_type": "stream", "name": "stderr", "text": "noise\n"},
        ], "same-id"),
        md("## Sources\n\n[a site](https://example.com) and <img src='https://example.com/x.png' alt='x'>"),
    ]
    return nb


@pytest.fixture(scope="module")
def notebooks():
    return {
        "nps": _notebook("Net Promoter Score", _chart("NPS by plan")),
        "loyalty": _notebook("Loyalty", _chart("Points by tier", (1, 2, 3))),
        "summary": _notebook("Executive summary", _chart("NPS by plan"), lang_cells=False),  # the same chart again
    }


def _with_pages(folder: Path, nbs: dict, ctx=CTX) -> list[report.Chapter]:
    chapters = []
    for step, nb in nbs.items():
        report.write_step_pages(nb, ctx, folder, step, step.title())
        chapters.append(report.Chapter(step, step.title(), nb=nb, page=folder / f"{step}.html"))
    return chapters


def test_the_assembled_report_matches_the_converted_one(tmp_path, notebooks):
    chapters = _with_pages(tmp_path, notebooks)
    path = report.write_combined_report(chapters, CTX, tmp_path, MISSING)
    assembled = path.read_text(encoding="utf-8")
    assert_equivalent(assembled, report.render_combined_notebook(chapters, CTX, MISSING))
    order = [m for m in re.findall(r'id="step-(\w+)"', assembled)]
    assert order == ["summary", "nps", "loyalty"]
    assert "Chapters not included" in assembled and "no &lt;transactions&gt;" in assembled
    assert "example.com" not in assembled and "noise" not in assembled
    assert (tmp_path / "report.xlsx").is_file()


def test_chapters_come_from_their_pages_and_only_the_frame_is_converted(tmp_path, notebooks, monkeypatch):
    chapters = [report.Chapter(c.step, c.title, page=c.page) for c in _with_pages(tmp_path, notebooks)]
    converted = []
    convert = report._convert

    def spy(nb, *args, **kwargs):
        converted.append([c.cell_type for c in nb.cells])
        return convert(nb, *args, **kwargs)

    def refuse(*args, **kwargs):
        raise AssertionError("a chapter was rendered again")

    monkeypatch.setattr(report, "_convert", spy)
    monkeypatch.setattr(report, "render", refuse)
    html, _ = report.combined_report(chapters, CTX, MISSING)
    assert converted == [["markdown", "raw"] * 3 + ["markdown"]]  # anchors, places, the missing list
    assert html.count('data-crmplay-chart="1"') == 3


def test_a_chapter_without_a_page_is_rendered_from_its_notebook(tmp_path, notebooks):
    chapters = [report.Chapter(s, s.title(), nb=nb) for s, nb in notebooks.items()]
    assembled = report.write_combined_report(chapters, CTX, tmp_path).read_text(encoding="utf-8")
    assert_equivalent(assembled, report.render_combined_notebook(chapters, CTX))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report.xlsx"]


def test_a_page_in_another_language_is_not_used(tmp_path, notebooks):
    fa = report.ReportContext("acme", "Acme & Sons", lang="fa", run_date="۱۴۰۴/۰۱/۰۱")
    chapters = _with_pages(tmp_path, {"nps": notebooks["nps"]}, fa)
    assembled, _ = report.combined_report(chapters, CTX)
    assert "Why it matters." in assembled and "چرا مهم است" not in assembled


def test_the_no_data_note_and_the_commentary_appear_once(tmp_path, notebooks):
    ctx = report.ReportContext("acme", "Acme & Sons", run_date="2025-03-21", data_supplied=False,
                               commentary=(Section("What to do next", "Start with *billing*."),
                                           Section("Loyalty / What to do next", "Then the tiers.")))
    chapters = _with_pages(tmp_path, notebooks, ctx)
    assert (tmp_path / "nps.html").read_text(encoding="utf-8").count("<aside") == 1  # in the step page too
    assembled, _ = report.combined_report(chapters, ctx)
    converted = report.render_combined_notebook(chapters, ctx)
    assert_equivalent(assembled, converted)
    soup = BeautifulSoup(assembled, "html.parser")
    assert len(soup.select("main .crm-no-data")) == 1
    asides = [(a.find_previous("h1").get_text(), a.get_text(" ", strip=True))
              for a in soup.select("aside.crm-commentary")]
    want = BeautifulSoup(converted, "html.parser").select("aside.crm-commentary")
    assert asides == [(a.find_previous("h1").get_text(), a.get_text(" ", strip=True)) for a in want]
    assert len(asides) == 2


def test_the_same_chart_twice_on_a_page_keeps_its_ids_unique(tmp_path, notebooks):
    nb = notebooks["nps"]
    twice = nbformat.from_dict(nb)
    twice.cells.append(nbformat.from_dict(nb.cells[4]))
    twice.cells[-1]["id"] = "again"
    html = report.render(twice, CTX, title="NPS")
    assert html.count('data-crmplay-chart="1"') == 2
    assert_unique_ids(html)


# --------------------------------------------------------------------------------------------
# Charts set aside while a page is parsed


def test_the_stash_gives_charts_back_byte_for_byte():
    svg = _chart("Round trip")
    page = f"<html><body><main><h1>T</h1><figure>{svg}</figure></main></body></html>"
    stash = ChartStash()
    light = stash.hide(page)
    assert len(light) < len(page) / 10 and 'data-crmplay-chart="1"' in light
    inside = svg[svg.index(">") + 1:svg.rindex("</svg>")]
    assert inside in stash.restore(light) and inside in finish_page(page)


def test_a_chart_with_an_outside_url_inside_is_finished_like_any_markup():
    svg = ('<svg data-crmplay-chart="1" aria-label="x"><image href="https://example.com/track.png"/>'
           '<a href="javascript:alert(1)"><path d="M 0 0"/></a></svg>')
    page = f"<html><body><main><h1>T</h1>{svg}</main></body></html>"
    assert ChartStash().hide(page) == page
    finished = finish_page(page)
    assert "example.com" not in finished and "javascript:" not in finished


def test_headings_keep_ids_unique_when_pages_are_joined():
    page = ('<html><body><nav class="crm-toc"></nav><main><h1 id="a">A</h1><h2 id="next">Next</h2>'
            '<h1 id="b">B</h1><h2 id="next">Next</h2><h2>Next</h2></main></body></html>')
    soup = BeautifulSoup(finish_page(page), "html.parser")
    assert [h["id"] for h in soup.find_all(["h1", "h2"])] == ["a", "next", "b", "next-2", "next-3"]
    assert [a["href"] for a in soup.select("nav a")] == ["#a", "#next", "#b", "#next-2", "#next-3"]


# --------------------------------------------------------------------------------------------
# The demo (e2e: the real run)


@pytest.mark.e2e
@pytest.mark.parametrize("client", ["demo", "demo_fa"])
def test_the_demo_report_matches_the_converted_one(demo_reports, client):
    from crmplay.chapters import registry
    from crmplay.chapters.registry import load_client_config

    client_dir = Path(demo_reports["reports_root"]) / client
    config = load_client_config(Path(demo_reports["data_root"]) / client)
    ctx = report.make_context(config)
    chapters = [report.Chapter(s.id, s.title_for(ctx.lang),
                               nb=nbformat.read(str(client_dir / "consultant" / f"{s.id}.ipynb"), as_version=4))
                for s in registry.steps()]
    assembled = (client_dir / "report.html").read_text(encoding="utf-8")
    assert_equivalent(assembled, report.render_combined_notebook(chapters, ctx))
    assert (client_dir / "report.xlsx").is_file()
