"""Text from client data inside Markdown: it must stay text.

Catalogue messages are Markdown templates; the values put into them (column headers, segment
names, themes, quotes) come from client files. :func:`escape_markdown` HTML-escapes a value and
neutralises the Markdown syntax that would make it a link, an image or code, so a header such as
``![p](https://host/p.png)`` shows as those characters and loads nothing.

Example
-------
>>> escape_markdown("![p](https://host/p.png) <b>")
'\\\\!\\\\[p\\\\](https://host/p.png) &lt;b&gt;'
"""
from __future__ import annotations

import html

_MARKDOWN_SPECIAL = str.maketrans({"\\": "\\\\", "[": "\\[", "]": "\\]", "!": "\\!", "`": "\\`"})


def escape_markdown(text: object) -> str:
    """HTML-escape ``text`` and backslash-escape ``\\ [ ] ! ```` so Markdown renders it literally."""
    raw = "" if text is None else str(text)
    return html.escape(raw, quote=True).translate(_MARKDOWN_SPECIAL)


__all__ = ["escape_markdown"]
