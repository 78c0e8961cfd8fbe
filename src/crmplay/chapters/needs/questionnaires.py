"""The questionnaires a consultant sends out for the needs audit, generated from a feature list.

- **Kano** (Berger et al. 1993): per feature a functional question ("If <feature> were
  available, how would you feel?") and a dysfunctional one ("... were not available ..."), each
  with the five answers like / must-be / neutral / live-with / dislike, in English or Persian.
  The answer wording is the one :func:`crmplay.chapters.needs.kano.normalise_answer` reads back, so a
  returned survey can be loaded as the ``kano_responses`` table as it is.
- **Importance-performance** (Martilla & James 1977): per need an importance item and a
  performance item on the rating scale, plus the overall-satisfaction item that derived
  importance needs.

:func:`kano_questionnaire` and :func:`ipa_questionnaire` return tables (one row per question);
:func:`write_questionnaires` writes them as CSV (UTF-8 with BOM, so Excel shows Persian) and a
printable Markdown page, atomically. The CLI can call it as it is.

Example
-------
>>> kano_questionnaire(["Low-balance alerts"], "en")["question"].tolist()[0]
'If Low-balance alerts were available, how would you feel?'
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from crmplay.core.fileio import write_text
from crmplay.core.i18n import t
from crmplay.chapters.needs.kano import ANSWERS


def _features(items: Iterable[str]) -> list[str]:
    out: list[str] = []
    for raw in items:
        name = " ".join(str(raw).split())
        if name and name not in out:
            out.append(name)
    if not out:
        raise ValueError("the feature list is empty; give at least one feature or need to ask about")
    return out


def kano_answers(lang: str = "en") -> list[str]:
    """The five Kano answers in code order 1-5 (like, must-be, neutral, live-with, dislike)."""
    return [t(f"needs.questionnaire.answer.{a}", lang) for a in ANSWERS]


def kano_questionnaire(features: Iterable[str], lang: str = "en") -> pd.DataFrame:
    """One row per question: feature, side (functional | dysfunctional), question, answer_1..5."""
    answers = kano_answers(lang)
    rows = []
    for feature in _features(features):
        for side in ("functional", "dysfunctional"):
            row = {"feature": feature, "side": side,
                   "question": t(f"needs.questionnaire.kano_{side}", lang, feature=feature)}
            row.update({f"answer_{i}": a for i, a in enumerate(answers, start=1)})
            rows.append(row)
    return pd.DataFrame(rows)


def ipa_questionnaire(needs: Iterable[str], lang: str = "en", scale: tuple[int, int] = (1, 5)) -> pd.DataFrame:
    """One row per item: need, measure (importance | performance | overall_satisfaction),
    question, scale_min, scale_max. The overall-satisfaction item comes last."""
    lo, hi = int(scale[0]), int(scale[1])
    if hi <= lo:
        raise ValueError(f"the rating scale must run from low to high, got {lo}-{hi}")
    rows = []
    for need in _features(needs):
        for measure in ("importance", "performance"):
            rows.append({"need": need, "measure": measure,
                         "question": t(f"needs.questionnaire.ipa_{measure}", lang, need=need),
                         "scale_min": lo, "scale_max": hi})
    rows.append({"need": "", "measure": "overall_satisfaction", "question": t("needs.questionnaire.overall", lang),
                 "scale_min": lo, "scale_max": hi})
    return pd.DataFrame(rows)


def _markdown(kano: pd.DataFrame | None, ipa: pd.DataFrame | None, lang: str, scale: tuple[int, int]) -> str:
    lines: list[str] = []
    if kano is not None:
        lines += ["## Kano", "", t("needs.questionnaire.kano_intro", lang), ""]
        answers = kano_answers(lang)
        for i, row in enumerate(kano.itertuples(), start=1):
            lines.append(f"{i}. {row.question}")
            lines += [f"   - [ ] {a}" for a in answers]
            lines.append("")
    if ipa is not None:
        lines += ["## IPA", "", t("needs.questionnaire.ipa_intro", lang, low=scale[0], high=scale[1]), ""]
        boxes = "  ".join(f"[ ] {v}" for v in range(int(scale[0]), int(scale[1]) + 1))
        for i, row in enumerate(ipa.itertuples(), start=1):
            lines += [f"{i}. {row.question}", f"   {boxes}", ""]
    return "\n".join(lines)


def write_questionnaires(features: Sequence[str], out_dir: str | Path, langs: Sequence[str] = ("en", "fa"),
                         needs: Sequence[str] | None = None, scale: tuple[int, int] = (1, 5)) -> list[Path]:
    """Write the Kano and IPA questionnaires for each language into ``out_dir``.

    Files per language: ``kano_questionnaire_<lang>.csv``, ``ipa_questionnaire_<lang>.csv`` and
    ``needs_questionnaires_<lang>.md`` (printable). ``needs`` defaults to ``features`` (the same
    list asked both ways). Returns the paths written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for lang in langs:
        kano = kano_questionnaire(features, lang)
        ipa = ipa_questionnaire(needs if needs is not None else features, lang, scale)
        for name, df in ((f"kano_questionnaire_{lang}.csv", kano), (f"ipa_questionnaire_{lang}.csv", ipa)):
            path = out / name
            write_text(path, "\ufeff" + df.to_csv(index=False))
            written.append(path)
        md = out / f"needs_questionnaires_{lang}.md"
        write_text(md, _markdown(kano, ipa, lang, scale))
        written.append(md)
    return written


__all__ = ["ipa_questionnaire", "kano_answers", "kano_questionnaire", "write_questionnaires"]
