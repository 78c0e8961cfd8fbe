"""Personal data in customer text: masking for stakeholder reports, escaping for HTML.

Stakeholder reports carry no names, emails or phone numbers unless the consultant asks
(``[privacy] show_personal_data = true`` in client.toml). Verbatims and interview quotes pass
through :func:`mask_pii` (or a :class:`PiiMask` built once per client) and then :func:`escape`
before they reach a report.

What is masked
--------------
- emails and links;
- phone numbers in any digit system (ASCII, Persian ``۰-۹``, Arabic-Indic ``٠-٩``), with spaces,
  dots, hyphens, en/em dashes, minus signs, slashes or brackets between the digits, and glued
  to words of any script (``call09123456781``, ``شماره‌ام۰۹۱۲۳۴۵۶۷۸۹است``): any run of 7 or more
  digits, except what reads as an ordinary number (a date, a year range, a decimal, a price
  grouped in thousands or followed by a currency); long digit runs (cards, national ids) too;
- the customers' names, as every spelling the data supplies (:func:`person_names` collects
  every name column of the customers table, so a name given in Latin and Persian script is
  masked in both). Matching folds case, Arabic/Persian letter forms and diacritics, and treats
  a space and a zero-width non-joiner alike; it does not transliterate.
"""
from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

_DIGITS = "0-9\u06f0-\u06f9\u0660-\u0669"
_D = f"[{_DIGITS}]"
_ASCII_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "0123456789" * 2)
#: Characters that may stand between the digits of a phone number: spaces (incl. no-break and
#: thin), dots, hyphens, en/em dashes, minus, slashes and brackets. Not commas: 1,200,000 is a price.
_SEP = "[ \t\u00a0\u2007\u2009\u202f.\\-\u2010-\u2015\u2212/()]"

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
URL_RE = re.compile(r"\bhttps?://\S+|\bwww\.\S+", re.IGNORECASE)
#: A candidate digit run: digits of any system, up to three separators between digits, never
#: continuing a longer digit run; letters of any script may touch it on either side.
PHONE_CANDIDATE_RE = re.compile(rf"(?<![{_DIGITS}])\+?\(?{_D}(?:{_SEP}{{0,3}}{_D})*(?![{_DIGITS}])")
_CURRENCY_AFTER = re.compile(
    r"^[\s\u200c]*(?:تومان|تومن|ریال|toman|tomans|rial|rials|irr|irt|usd|eur|gbp|dollars?|euros?|[$€£\ufdfc])",
    re.IGNORECASE)
_CURRENCY_BEFORE = re.compile(r"(?:[$€£\ufdfc]|usd|eur|irr|irt)[\s\u200c]*$", re.IGNORECASE)
_GROUP_RE = re.compile(r"\d+")
_DATE_SEPS = "-/."

EMAIL_MASK = "[email]"
PHONE_MASK = "[phone]"
NAME_MASK = "[name]"
URL_MASK = "[link]"

#: Shortest name (in characters) that is masked: shorter ones would mask ordinary words.
MIN_NAME_CHARS = 3


def _ordinary_number(ascii_text: str, before: str, after: str) -> bool:
    """True when a digit run of 7+ digits reads as a date, a year range, a decimal or a price."""
    groups = _GROUP_RE.findall(ascii_text)
    seps = re.findall(r"\D+", ascii_text.strip("+("))
    lengths = [len(g) for g in groups]
    if len(groups) >= 3 and len(set(seps[:2])) == 1 and seps[0] in _DATE_SEPS and all(n <= 2 for n in lengths[3:]):
        a, b, c = lengths[:3]
        if (a == 4 and b <= 2 and c <= 2) or (a <= 2 and b <= 2 and c == 4):  # 2025-03-21, 21/03/2025
            return True
    if all(n == 4 and 1200 <= int(g) <= 2200 for n, g in zip(lengths, groups)) and len(groups) <= 3:
        return True  # 1990-2020, 1399/1400
    if len(groups) == 2 and seps == ["."] and not (groups[0].startswith("0") and lengths[0] > 1):
        return True  # 3.14159265
    lead_zero = groups[0].startswith("0") or ascii_text.startswith(("+", "(+"))
    if lead_zero:
        return False
    if len(groups) > 1 and lengths[0] <= 3 and all(n == 3 for n in lengths[1:]) and len(set(seps)) == 1 \
            and seps[0] in (" ", ".", "\u00a0", "\u202f", "\u2009", "'"):
        return True  # 1 200 000, 1.200.000
    return bool(_CURRENCY_AFTER.match(after) or _CURRENCY_BEFORE.search(before))


class _PhoneFinder:
    """Finds phone numbers (see the module docstring); used like a compiled pattern."""

    pattern = PHONE_CANDIDATE_RE.pattern

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        for m in PHONE_CANDIDATE_RE.finditer(text):
            ascii_text = m.group(0).translate(_ASCII_DIGITS)
            if sum(c.isdigit() for c in ascii_text) < 7:
                continue
            if not _ordinary_number(ascii_text, text[max(0, m.start() - 6):m.start()], text[m.end():m.end() + 12]):
                yield m

    def search(self, text: str) -> re.Match[str] | None:
        return next(self.finditer(text), None)

    def sub(self, repl: str, text: str) -> str:
        out, last = [], 0
        for m in self.finditer(text):
            out += [text[last:m.start()], repl]
            last = m.end()
        return "".join(out) + text[last:] if out else text


#: Finds phone numbers: ``PHONE_RE.search(text)``, ``.finditer``, ``.sub`` like a compiled pattern.
PHONE_RE = _PhoneFinder()

_WORD_RE = re.compile(r"\w+")
#: What may stand between the words of one name in a text: spaces, ZWNJ, a hyphen, a dot.
_GAP_RE = re.compile(r"[\s\u200c\u200d\-.'\u2019]{1,3}")
_FOLD = str.maketrans({"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9", "\u0629": "\u0647",
                       "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0640": None})


def _fold_word(word: str) -> str:
    """A word in one spelling: case, Arabic/Persian letter forms, diacritics and digits folded."""
    word = unicodedata.normalize("NFKD", word.casefold())
    word = "".join(c for c in word if not unicodedata.combining(c))
    return word.translate(_FOLD).translate(_ASCII_DIGITS)


class PiiMask:
    """Masks personal data in customer text, for one list of customer names.

    Built once per list (linear in the total length of the names); :meth:`mask` is linear in
    the text (each word is looked up in a hash table, longest names first), so 20,000 names
    cost nothing per quote.

    >>> m = PiiMask(["Ali Rezaei", "علی رضایی"])
    >>> m.mask("ALI REZAEI (علي رضايي) call0912-345-6789")
    '[name] ([name]) call[phone]'
    """

    def __init__(self, names: Iterable[str] = ()):
        self._names: set[tuple[str, ...]] = set()
        lengths: dict[str, set[int]] = {}
        for name in names:
            if not isinstance(name, str) or len(name.strip()) < MIN_NAME_CHARS:
                continue
            key = tuple(_fold_word(w) for w in _WORD_RE.findall(name))
            if key:
                self._names.add(key)
                lengths.setdefault(key[0], set()).add(len(key))
        self._lengths = {first: sorted(ls, reverse=True) for first, ls in lengths.items()}

    def __len__(self) -> int:
        return len(self._names)

    def mask_names(self, text: str) -> str:
        """``text`` with every supplied name replaced by :data:`NAME_MASK`."""
        if not self._names:
            return text
        words = list(_WORD_RE.finditer(text))
        keys = [_fold_word(w.group(0)) for w in words]
        out, last, i = [], 0, 0
        while i < len(words):
            for n in self._lengths.get(keys[i], ()):
                j = i + n
                if j <= len(words) and tuple(keys[i:j]) in self._names and all(
                        _GAP_RE.fullmatch(text[words[k].end():words[k + 1].start()]) for k in range(i, j - 1)):
                    out += [text[last:words[i].start()], NAME_MASK]
                    last, i = words[j - 1].end(), j
                    break
            else:
                i += 1
        return "".join(out) + text[last:]

    def mask(self, text: object) -> str:
        """Emails, links, phone numbers and the names replaced by placeholders (see the module)."""
        if text is None or (isinstance(text, float) and text != text):
            return ""
        out = str(text)
        out = EMAIL_RE.sub(EMAIL_MASK, out)
        out = URL_RE.sub(URL_MASK, out)
        out = PHONE_RE.sub(PHONE_MASK, out)
        return self.mask_names(out)


@lru_cache(maxsize=8)
def _cached_mask(names: tuple[str, ...]) -> PiiMask:
    return PiiMask(names)


def pii_mask(names: Iterable[str] | PiiMask = ()) -> PiiMask:
    """The :class:`PiiMask` of ``names`` (the last few lists are cached, so passing the same
    list again costs one hash of it)."""
    if isinstance(names, PiiMask):
        return names
    return _cached_mask(tuple(n for n in names if isinstance(n, str)))


def mask_pii(text: object, names: Iterable[str] | PiiMask = ()) -> str:
    """Replace emails, phone numbers, links and the given names by placeholders.

    >>> mask_pii("Call me on 0912 345 6789 or a.b@example.com")
    'Call me on [phone] or [email]'
    >>> mask_pii("شماره‌ام۰۹۱۲۳۴۵۶۷۸۹است، قیمت ۱۲۰۰۰۰۰ تومان، تاریخ 1403/01/15")
    'شماره\u200cام[phone]است، قیمت ۱۲۰۰۰۰۰ تومان، تاریخ 1403/01/15'
    """
    return pii_mask(names).mask(text)


#: Columns of the customers table that hold a person's name: ``name``, ``full_name``,
#: ``name_fa``, ``latin_name``, ``Full Name (Persian)`` ... (not user names or plan names).
NAME_COLUMN_RE = re.compile(r"^(?:full[ _-]?)?name(?:[ _-].*)?$|^.*[ _-](?:full[ _-]?)?name$|^نام(?:[ \u200c].*)?$",
                            re.IGNORECASE)
_NOT_PERSON = re.compile(r"user|plan|product|company|file|host|domain|brand|first|last", re.IGNORECASE)


def person_names(customers: Any) -> list[str]:
    """Every spelling of the customers' names in a customers table (a DataFrame).

    Reads each name column (:data:`NAME_COLUMN_RE`: ``name``, ``name_fa``, ``latin_name`` ...),
    and joins ``first_name`` + ``last_name`` when both exist; values of every row and column are
    returned once each, so a name supplied in two scripts is masked in both.

    >>> import pandas as pd
    >>> person_names(pd.DataFrame({"name": ["Ali Rezaei", None], "name_fa": ["علی رضایی", "سارا"]}))
    ['Ali Rezaei', 'علی رضایی', 'سارا']
    """
    if customers is None:
        return []
    columns = [str(c) for c in customers.columns]
    chosen = [c for c in columns if NAME_COLUMN_RE.match(c.strip()) and not _NOT_PERSON.search(c)]
    found: dict[str, None] = {}
    for column in chosen:
        for value in customers[column].dropna().astype(str):
            found.setdefault(value.strip(), None)
    lower = {c.casefold().replace(" ", "_"): c for c in columns}
    if "first_name" in lower and "last_name" in lower:
        both = customers[[lower["first_name"], lower["last_name"]]].dropna()
        for first, last in both.astype(str).itertuples(index=False):
            found.setdefault(f"{first.strip()} {last.strip()}", None)
    return [n for n in found if n]


def escape(text: object) -> str:
    """HTML-escape customer text (quotes included)."""
    return html.escape("" if text is None else str(text), quote=True)


def safe_quote(text: object, names: Iterable[str] | PiiMask = (), show_personal_data: bool = False) -> str:
    """Customer text ready for a stakeholder report: masked unless allowed, always escaped."""
    raw = "" if text is None else str(text)
    return escape(raw if show_personal_data else mask_pii(raw, names))
