"""Which encoding a CSV file is in, and its text as UTF-8 (see :mod:`crmplay.data.readers`)."""
from __future__ import annotations

import codecs

import numpy as np

ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16 LE",
    "utf-16-be": "UTF-16 BE",
    "utf-32": "UTF-32",
    "cp1256": "Windows-1256",
    "cp1252": "Windows-1252",
}
LEGACY_CANDIDATES = ("cp1256", "cp1252")


def looks_utf16(data: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when the zero bytes sit in one byte lane (ASCII-heavy text)."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    zero_even = even.count(0) / len(even)
    zero_odd = odd.count(0) / max(len(odd), 1)
    if zero_odd > 0.3 and zero_even < 0.05:
        return "utf-16-le"
    if zero_even > 0.3 and zero_odd < 0.05:
        return "utf-16-be"
    return None


def latin_neighbours(data: bytes) -> float:
    """Share of high bytes with an ASCII letter on either side.

    Western text puts accented letters inside ASCII words (José, Zürich); Persian or Arabic text
    in Windows-1256 is made of runs of high bytes between spaces and digits.
    """
    high = np.frombuffer(data[:65536], dtype=np.uint8)
    is_high = high >= 0x80
    if not is_high.any():
        return 0.0
    letter = ((high >= 0x41) & (high <= 0x5A)) | ((high >= 0x61) & (high <= 0x7A))
    left = np.zeros_like(letter)
    left[1:] = letter[:-1]
    right = np.zeros_like(letter)
    right[:-1] = letter[1:]
    return float((is_high & (left | right)).sum() / is_high.sum())


def detect_encoding(data: bytes, declared: str | None = None) -> str:
    """The encoding of CSV bytes (see the module docstring for the order of checks).

    Returns a Python codec name: ``utf-8``, ``utf-8-sig``, ``utf-16-le``, ``utf-16-be``,
    ``cp1256``, ``cp1252`` or the declared one. Raises ``ValueError`` when the bytes are not
    text in any plausible encoding.
    """
    if declared:
        name = codecs.lookup(declared).name  # LookupError for an unknown name
        if name == "utf-8" and data.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        return name
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if data.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le"
    if data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be"
    try:
        data.decode("utf-8")
        if b"\x00" not in data[:4096]:
            return "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    else:
        first_bad = data.index(bytes(1))
    utf16 = looks_utf16(data)
    if utf16:
        return utf16
    if b"\x00" in data[:4096]:
        raise ValueError(f"binary data (NUL bytes) on line {line_of(data, data.index(bytes(1)))}, not text")
    mixed = mixed_utf8_lines(data)
    if mixed is not None:
        raise MixedEncodingError(*mixed)
    from charset_normalizer import from_bytes

    matches = from_bytes(data, cp_isolation=list(LEGACY_CANDIDATES))
    found = {codecs.lookup(m.encoding).name: m for m in matches}
    if not found:
        raise ValueError(f"line {line_of(data, first_bad)} has bytes that none of them can read")
    if len(found) > 1 and "cp1256" in found:
        # Both code pages decode the bytes: decide by the shape of the non-ASCII text.
        return "cp1252" if latin_neighbours(data) > 0.5 else "cp1256"
    return next(iter(found))


class MixedEncodingError(ValueError):
    """A file that is partly UTF-8 and partly another encoding (rows appended from another export).

    ``bad_lines`` are the first line numbers that are not UTF-8, ``utf8_line`` a line that is
    UTF-8 with non-ASCII text, ``total`` the number of lines that are not UTF-8.
    """

    def __init__(self, bad_lines: list[int], utf8_line: int, total: int):
        self.bad_lines, self.utf8_line, self.total = bad_lines, utf8_line, total
        super().__init__(f"lines {', '.join(map(str, bad_lines))} are not UTF-8 but line {utf8_line} is")


def line_of(data: bytes, offset: int) -> int:
    """1-based line number of byte ``offset`` in ``data``."""
    return data.count(b"\n", 0, offset) + 1


def mixed_utf8_lines(data: bytes, show: int = 5) -> tuple[list[int], int, int] | None:
    r"""``(first bad lines, a UTF-8 line, number of bad lines)`` when ``data`` mixes UTF-8 lines
    (with non-ASCII text) and lines that are not UTF-8; ``None`` when it does not.

    A legacy code page (Windows-1256) almost never spells a whole line of non-ASCII text as
    valid UTF-8 by chance, so one such line beside lines that are not UTF-8 marks a mixed file
    once it is at least a fifth of the non-ASCII lines (or three lines).

    >>> mixed_utf8_lines("a\nعلی\n".encode() + "علي\n".encode("cp1256"))
    ([3], 2, 1)
    >>> mixed_utf8_lines("a\nعلي\nرضا\n".encode("cp1256")) is None
    True
    """
    bad: list[int] = []
    n_bad = n_utf8 = 0
    first_utf8 = 0
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            n_bad += 1
            if len(bad) < show:
                bad.append(number)
            continue
        if sum(not c.isascii() for c in text) >= 2:
            n_utf8 += 1
            first_utf8 = first_utf8 or number
    if not (n_bad and n_utf8):
        return None
    if n_utf8 >= 3 or n_utf8 >= 0.2 * (n_bad + n_utf8):
        return bad, first_utf8, n_bad
    return None


def decode_to_utf8(data: bytes, encoding: str) -> bytes:
    """UTF-8 bytes of the text (BOM dropped), decoding strictly."""
    name = codecs.lookup(encoding).name
    if name == "utf-8":
        body = data[3:] if data.startswith(codecs.BOM_UTF8) else data
        body.decode("utf-8")  # strict check (a declared encoding is not trusted blindly)
        return body
    if name == "utf-32":
        return data.decode("utf-32").lstrip("\ufeff").encode("utf-8")
    if name in ("utf-16-le", "utf-16-be"):
        bom = codecs.BOM_UTF16_LE if name == "utf-16-le" else codecs.BOM_UTF16_BE
        if data.startswith(bom):
            data = data[2:]
    text = data.decode(encoding)
    return text.lstrip("\ufeff").encode("utf-8")
