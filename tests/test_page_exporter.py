"""crmplay's page exporter (:mod:`crmplay.engine.page_exporter`) skips nbconvert's last parse of
each page and lets ``finish_soup`` add what that parse added: a finished page is the same,
byte for byte, as one converted by nbconvert's stock ``HTMLExporter`` and finished the same way.
This guards an nbconvert upgrade that changes what its exporter does after the template."""
from __future__ import annotations

import base64

import nbformat
import pytest
from nbconvert import HTMLExporter

import crmplay.engine.export as export
from crmplay.core.resources import templates_dir
from crmplay.engine.html import finish_soup, parse

CTX = export.ReportContext("acme", "Acme & Sons", run_date="2025-03-21")
PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000100e221bc330000000049454e44ae426082")).decode()


def _notebook() -> nbformat.NotebookNode:
    code = nbformat.v4.new_code_cell("x = '<b>' & 1  # a comment\nprint(x)", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="hello <world>\n"),
        nbformat.v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"}),
        nbformat.v4.new_output("display_data", data={"text/html": "<table><tr><th>a</th></tr><tr><td>1</td></tr></table>"}),
    ])
    return nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title\n\nSome *prose* & <em>html</em>, [a link](#title)."),
        code,
        nbformat.v4.new_markdown_cell("## Second\n\n![inline](data:image/png;base64," + PNG + ")"),
    ], metadata={"language_info": {"name": "python", "pygments_lexer": "ipython3"}})


def _stock(variant: str) -> HTMLExporter:
    mine = export._exporter(variant)
    stock = HTMLExporter(template_name=export.TEMPLATE_NAME, extra_template_basedirs=[str(templates_dir())],
                         exclude_anchor_links=True, embed_images=True, sanitize_html=False)
    for name in ("exclude_input", "exclude_input_prompt", "exclude_output_prompt"):
        setattr(stock, name, getattr(mine, name))
    return stock


def _finished(html: str) -> str:
    soup = parse(html)
    assert finish_soup(soup)
    return str(soup)


@pytest.mark.parametrize("variant", export.VARIANTS)
def test_a_page_is_the_one_the_stock_exporter_makes(variant, monkeypatch):
    resources = {"crmplay": {"variant": variant, "combined": False, "lang": "en", "dir": "ltr", "title": "T",
                             "client_name": "Acme", "colour": "#123456", "logo": "", "run_date": "2025-03-21",
                             "version": "0", "back_link": "", "firm": "", "author": "", "cover_note": "",
                             "data_supplied": True, "labels": {}}}
    nb = _notebook()
    ours, _ = export._exporter(variant).from_notebook_node(nb, resources=resources)
    stock, _ = _stock(variant).from_notebook_node(nb, resources=resources)
    assert ours != stock, "the stock exporter's own touches should be missing before finishing"
    assert _finished(ours) == _finished(stock)


def test_a_rendered_page_has_focusable_cells_and_described_images():
    page = export.render(_notebook(), CTX, title="T", variant="consultant")
    assert page.count('tabindex="0"') >= 2
    assert "No description has been provided" not in page  # described by their section instead
