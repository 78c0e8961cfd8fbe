"""What every report page of one client shows besides the notebook (:class:`ReportContext`),
built from the client's configuration (:func:`make_context`). Used by
:mod:`crmplay.engine.export` (which re-exports these names) and the index pages."""
from __future__ import annotations

import base64
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from crmplay import __version__
from crmplay.core.i18n import direction, fmt_date, t


@dataclass(frozen=True)
class ReportContext:
    """What every page of one client's report shows besides the notebook: picklable, so the
    runner can hand it to worker processes.

    Attributes
    ----------
    client_id : str
        Folder name of the client.
    client_name : str
        The client's display name (``[client] name``).
    lang : str
        Report language (``en`` or ``fa``).
    colour : str
        Brand colour ``#rrggbb``.
    logo : str
        The client's logo as a ``data:`` URI, or ``""``.
    run_date : str
        The run's date, formatted for the report language (Jalali for ``fa``).
    version : str
        crmplay version that produced the report.
    firm, author, cover_note : str
        ``[branding]`` texts for the header and the PDF's cover page ("" when not set).
    data_supplied : bool
        False when the client supplied no data table at all: every page then says so first.
    commentary : tuple
        The consultant's commentary sections (:class:`crmplay.engine.commentary.Section`).
    """

    client_id: str
    client_name: str
    lang: str = "en"
    colour: str = "#1f4e79"
    logo: str = ""
    run_date: str = ""
    version: str = __version__
    firm: str = ""
    author: str = ""
    cover_note: str = ""
    data_supplied: bool = True
    commentary: tuple = ()

    @property
    def dir(self) -> str:
        return direction(self.lang)

    def label(self, key: str, **values: object) -> str:
        """A ``report`` catalogue string in the report language."""
        return t(f"report.{key}", self.lang, **values)


def make_context(config, lang: str | None = None, run_started=None) -> ReportContext:
    """Build the :class:`ReportContext` for a client from its ``ClientConfig``.

    ``lang`` empty or ``None`` means the client's configured language; ``run_started`` is a
    ``datetime`` (default: now).
    """
    import datetime as _dt

    from crmplay.engine.commentary import read_commentary

    lang = lang or config.language
    run_started = run_started or _dt.datetime.now(_dt.timezone.utc)
    logo = ""
    branding = config.branding
    if branding.logo:
        logo = logo_data_uri(config.root / branding.logo)
    return ReportContext(
        client_id=config.id, client_name=config.client.name, lang=lang,
        colour=branding.colour, logo=logo, run_date=fmt_date(run_started, lang),
        firm=getattr(branding, "firm", ""), author=getattr(branding, "author", ""),
        cover_note=getattr(branding, "cover_note", ""),
        data_supplied=any(config.has_table(name) for name in config.tables),
        commentary=tuple(read_commentary(config.root)),
    )


def logo_data_uri(path: str | Path) -> str:
    """A logo file as a ``data:`` URI (PNG, JPEG, GIF, WebP or SVG), so the report needs no
    other file. An unreadable file gives ``""`` (the header then shows the name only)."""
    path = Path(path)
    mime = mimetypes.guess_type(path.name)[0] or ""
    if not mime.startswith("image/"):
        return ""
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


__all__ = ["ReportContext", "make_context", "logo_data_uri"]
