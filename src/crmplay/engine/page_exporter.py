"""nbconvert's HTML exporter without its own last pass over the page.

``HTMLExporter.from_notebook_node`` renders the template, then parses the whole page with
BeautifulSoup only to add two things and print it again: a generic ``alt`` on images that
have none, and ``tabindex="0"`` on cell inputs and outputs (focusable for keyboard users).
crmplay parses every page once anyway to finish it (:func:`crmplay.engine.html.finish_soup`),
so :class:`PageExporter` stops after the template and ``finish_soup`` adds those two things
(:func:`crmplay.engine.html.nbconvert_touches`): the same page for one parse fewer (about a
third of a page's rendering time).
"""
from __future__ import annotations

from typing import Any

from nbconvert.exporters.html import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbformat import NotebookNode


class PageExporter(HTMLExporter):
    """``HTMLExporter`` whose output is the template's, not yet parsed (see the module)."""

    def from_notebook_node(self, nb: NotebookNode, resources: dict[str, Any] | None = None,
                           **kw: Any) -> tuple[str, dict[str, Any]]:
        # HTMLExporter.from_notebook_node (nbconvert 7.16-7.17) up to its BeautifulSoup pass
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources)
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)
