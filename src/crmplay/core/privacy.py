"""Personal data in customer text: masking for stakeholder reports, escaping for HTML.

Stakeholder reports carry no names, emails or phone numbers unless the consultant asks
(``[privacy] show_personal_data = true`` in client.toml). Verbatims and interview quotes pass
through :func:`mask_pii` and then :func:`escape` before they reach a report.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterable

# Latin, Persian (U+06F0-9) and Arabic-Indic (U+0660-9) digits.
_D = r"[0-9\u06F0-\u06F9\u0660-\u0669]"
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A phone number: optional +, then at least 7 digits with optional spaces, dots, dashes, brackets.
PHONE_RE = re.compile(rf"(?<!\w)\+?\(?{_D}(?:[\s.\-()]*{_D}){{6,}}(?!\w)")
# Card / account numbers and national ids are caught by the phone pattern (long digit runs).
URL_RE = re.compile(r"\bhttps?://\S+|\bwww\.\S+", re.IGNORECASE)

EMAIL_MASK = "[email]"
PHONE_MASK = "[phone]"
NAME_MASK = "[name]"
URL_MASK = "[link]"


def mask_pii(text: object, names: Iterable[str] = ()) -> str:
    """Replace emails, phone-like digit runs, links and the given names by placeholders.

    >>> mask_pii("Call me on 0912 345 6789 or a.b@example.com")
    'Call me on [phone] or [email]'
    """
    if text is None or (isinstance(text, float) and text != text):
        return ""
    out = str(text)
    out = EMAIL_RE.sub(EMAIL_MASK, out)
    out = URL_RE.sub(URL_MASK, out)
    out = PHONE_RE.sub(PHONE_MASK, out)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 3}, key=len, reverse=True):
        out = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", NAME_MASK, out, flags=re.IGNORECASE)
    return out


def escape(text: object) -> str:
    """HTML-escape customer text (quotes included)."""
    return html.escape("" if text is None else str(text), quote=True)


def safe_quote(text: object, names: Iterable[str] = (), show_personal_data: bool = False) -> str:
    """Customer text ready for a stakeholder report: masked unless allowed, always escaped."""
    raw = "" if text is None else str(text)
    return escape(raw if show_personal_data else mask_pii(raw, names))
