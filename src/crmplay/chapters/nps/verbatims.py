"""Verbatims: a theme dictionary that codes every NPS comment, in English and Persian.

Every non-empty comment is coded against every theme (multi-label: a comment about a wrong
bill that took three transfers to fix counts for ``billing`` and ``call_centre``). A theme is a
list of keywords; a keyword matches at the start of a word (``bill`` matches "bills" and
"billing", not "rebill"), case-insensitively, with Arabic ye/kaf folded to Persian, the
zero-width non-joiner, tatweel and diacritics removed, and a space inside a keyword optional
("صورت حساب" also matches "صورتحساب" and "low balance" matches "low-balance"). A keyword written ``=word`` matches the whole word
only (``=app`` matches "app", not "apple"); a keyword written ``re:<pattern>`` is a regular
expression in RE2 syntax, matched against the folded text.

A client extends the dictionary in client.toml::

    [steps.nps.themes]
    billing = ["direct debit"]            # added to the built-in billing keywords
    roaming = ["roaming", "رومینگ"]       # a new theme

Matching runs in Apache Arrow's compute kernels (RE2), one pass per theme, themes in parallel
threads, so a million comments take about a second on two cores.

Result figures: for each theme, ``n`` comments mention it; ``share_detractors`` is the share
of detractors' comments that mention it (likewise passives, promoters), and
``detractor_lift`` = share_detractors / share_promoters (how much more often detractors raise
it).
"""
from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from crmplay.chapters.nps.scores import DETRACTOR, GROUPS, PASSIVE, PROMOTER

#: Built-in themes for telecom and service clients (source: nps_telecom; billing, call centre and
#: transfers, coverage, price, alerts, one number for every problem ...). Ids are English
#: snake_case; labels come from the ``nps.theme.<id>`` catalogue entries.
DEFAULT_THEMES: dict[str, tuple[str, ...]] = {
    "billing": (
        "bill", "invoice", "overcharg", "over-charg", "charged", "charges", "double charg", "wrong amount",
        "refund", "statement", "deducted", "hidden fee", "extra fee", "charged twice",
        "قبض", "صورت حساب", "فاکتور", "کسر", "هزینه اضافی", "هزینه‌های نامشخص", "مبلغ", "بازپرداخت",
        "برگشت پول", "پول کم", "=دو بار", "اشتباه حساب",
    ),
    "call_centre": (
        "call centre", "call center", "support", "transferred", "transferring", "passed around",
        "passes you around", "on hold", "hold for", "agent", "customer service", "hotline", "helpline",
        "nobody answer", "no one answer", "nobody could help", "waited", "queue", "ticket",
        "پشتیبانی", "مرکز تماس", "کارشناس", "منتقل", "انتقال", "دست به دست", "پاس می", "پاس داد",
        "پاسخگو", "جواب ند", "معطل", "پشت خط", "تماس گرفتم",
    ),
    "one_number": (
        "one number", "single number", "same number", "different number", "another number", "many numbers",
        "several numbers",
        "یک شماره", "شماره واحد", "چند شماره", "شماره دیگر", "شماره‌های مختلف",
    ),
    "network_coverage": (
        "coverage", "signal", "network", "dropped call", "call drop", "calls drop", "dropping", "no service",
        "reception", "antenna", "dead zone", "outage",
        "آنتن", "پوشش", "شبکه", "قطعی", "قطع می", "قطع شد", "قطع و وصل", "سیگنال", "بدون سرویس",
    ),
    "internet_speed": (
        "internet", "speed", "slow", "mbps", "wifi", "wi-fi", "connection", "bandwidth", "=4g", "=5g",
        "=lte", "broadband", "latency", "ping",
        "اینترنت", "سرعت", "=کند", "وای فای", "اتصال", "پهنای باند", "فیبر",
    ),
    "price": (
        "price", "pricing", "expensive", "cheap", "cost", "tariff", "value for money", "affordable",
        "discount", "too much", "overpriced", "=fee", "=fees", "same money", "more data for",
        "قیمت", "گران", "گرون", "ارزان", "ارزون", "هزینه", "تعرفه", "تخفیف", "نرخ", "به صرفه", "می ارزد",
        "همین پول", "منصفانه",
    ),
    "alerts": (
        "alert", "notification", "notify", "notified", "low balance", "balance is low", "low credit",
        "credit ran out", "running low", "runs out", "ran out", "warning", "reminder", "=sms",
        "text message", "send a message",
        "هشدار", "اطلاع", "پیامک", "اعلان", "کمبود اعتبار", "اعتبارم", "تمام شد", "تمام شدن", "یادآوری",
        "خبر دادید",
    ),
    "staff": (
        "staff", "friendly", "rude", "polite", "helpful", "unhelpful", "employee", "attitude",
        "knowledgeable", "professional", "respect",
        "برخورد", "خوش برخورد", "بد برخورد", "کارمند", "کارکنان", "پرسنل", "مودب", "بی ادب", "رفتار",
        "محترمانه", "دلسوز", "حرفه ای", "کمک کننده",
    ),
    "store": (
        "store", "shop", "branch", "dealer", "showroom",
        "فروشگاه", "شعبه", "نمایندگی", "دفتر پیشخوان",
    ),
    "digital": (
        "=app", "=apps", "application", "website", "web site", "online", "portal", "login", "log in",
        "password", "update",
        "اپلیکیشن", "=اپ", "برنامه", "سایت", "وب سایت", "آنلاین", "نرم افزار", "رمز", "به روزرسانی",
        "به روز رسانی",
    ),
    "setup": (
        "install", "setup", "set up", "setting up", "activation", "activate", "sim card", "onboarding",
        "technician", "modem",
        "نصب", "راه اندازی", "فعال سازی", "فعال کن", "سیم کارت", "تکنسین", "مودم",
    ),
    "rewards": (
        "reward", "loyal", "loyalty", "points", "gift", "club", "thank-you", "thank you for being",
        "years with you", "better offers",
        "پاداش", "وفادار", "امتیاز", "هدیه", "باشگاه", "تشکر", "مشتری قدیمی", "سال مشترک",
    ),
    "cancellation": (
        "cancel", "cancellation", "contract", "switch to", "switching", "leaving", "port out",
        "لغو", "قرارداد", "قطع خدمات", "تغییر اپراتور", "عوض کردن اپراتور", "انصراف",
    ),
}

#: Characters that end a word before a keyword: whitespace, ASCII punctuation, Persian comma,
#: semicolon and question mark, guillemets (not the zero-width non-joiner, which joins a
#: word to its suffix: "می‌کند" is one word).
_BOUNDARY = r"[\s!-/:-@\[-\x60{-~\x{060C}\x{061B}\x{061F}\x{00AB}\x{00BB}]"
_WORD_START = rf"(?:^|{_BOUNDARY})"
_WORD_END = rf"(?:$|{_BOUNDARY})"
_SPACE = r"[\s\x{200C}\-]*"
#: Persian letters and the Arabic spellings a keyword should also match.
_VARIANTS = {"\u06cc": "[\u06cc\u064a\u0649]", "\u06a9": "[\u06a9\u0643]", "\u0647": "[\u0647\u0629\u06c0]"}
_ARABIC_TO_PERSIAN = {"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9", "\u0629": "\u0647",
                      "\u06c0": "\u0647"}


def _literal(word: str) -> str:
    out = []
    for ch in word:
        ch = _ARABIC_TO_PERSIAN.get(ch, ch)
        out.append(_VARIANTS.get(ch) or re.escape(ch))
    return "".join(out)


def keyword_pattern(keyword: str) -> str:
    """The RE2 fragment for one keyword (see the module docstring; ``re:`` passes through)."""
    if keyword.startswith("re:"):
        return keyword[3:]
    whole_word = keyword.startswith("=")
    words = re.split(r"[\s\u200c\-]+", keyword.lstrip("=").lower().strip())
    parts = [_literal(w) for w in words if w]
    if not parts:
        raise ValueError(f"empty keyword {keyword!r} in the theme dictionary")
    return _WORD_START + _SPACE.join(parts) + (_WORD_END if whole_word else "")


def theme_dictionary(extra: Mapping[str, list[str] | tuple[str, ...]] | None = None,
                     base: Mapping[str, tuple[str, ...]] | None = None) -> dict[str, str]:
    """Theme id -> one RE2 pattern, from the built-in themes plus a client's ``extra`` themes.

    Raises
    ------
    ValueError
        Naming the theme and keyword of any pattern RE2 cannot compile.
    """
    merged: dict[str, list[str]] = {k: list(v) for k, v in (DEFAULT_THEMES if base is None else base).items()}
    for theme, words in (extra or {}).items():
        if isinstance(words, str):
            words = [words]
        merged.setdefault(str(theme), []).extend(words)
    patterns = {}
    probe = pa.array(["probe"], type=pa.string())
    for theme, words in merged.items():
        parts = []
        for word in words:
            fragment = keyword_pattern(str(word))
            try:
                pc.match_substring_regex(probe, fragment)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise ValueError(f"theme {theme!r}: keyword {word!r} is not a valid RE2 pattern ({exc})") from None
            parts.append(f"(?:{fragment})")
        if parts:
            patterns[theme] = "|".join(parts)
    return patterns


def _arrow_text(comments: pd.Series) -> pa.Array | pa.ChunkedArray:
    series = pd.Series(comments)
    if not isinstance(series.dtype, pd.StringDtype) or series.dtype.storage != "pyarrow":
        series = series.astype(pd.StringDtype("pyarrow", na_value=np.nan))
    return pa.array(series.array)


def code_comments(comments: pd.Series, patterns: Mapping[str, str] | None = None) -> pd.DataFrame:
    """One boolean column per theme: does each comment mention it? (multi-label).

    Empty and missing comments are never coded. The index follows ``comments``.
    """
    patterns = theme_dictionary() if patterns is None else patterns
    text = pc.utf8_lower(_arrow_text(comments))

    def match(pattern: str) -> np.ndarray:
        hit = pc.fill_null(pc.match_substring_regex(text, pattern), False)
        return np.asarray(hit.to_numpy(zero_copy_only=False), dtype=bool)

    workers = max(1, min(len(patterns), os.cpu_count() or 1, 4))
    if workers > 1 and len(text) > 10_000:  # Arrow kernels release the GIL: match themes in parallel
        with ThreadPoolExecutor(max_workers=workers) as pool:
            columns = dict(zip(patterns, pool.map(match, patterns.values())))
    else:
        columns = {theme: match(pattern) for theme, pattern in patterns.items()}
    return pd.DataFrame(columns, index=comments.index, columns=list(patterns))


def has_comment(comments: pd.Series) -> np.ndarray:
    """True where a comment has any visible text."""
    length = pc.utf8_length(pc.utf8_trim_whitespace(_arrow_text(comments)))
    return np.asarray(pc.fill_null(pc.greater(length, 0), False).to_numpy(zero_copy_only=False), dtype=bool)


@dataclass(frozen=True)
class ThemeResult:
    """Themes of the comments. ``table``: theme, n, share_comments, share_detractors,
    share_passives, share_promoters (0-1 of each group's comments), detractor_lift; most
    mentioned first. ``coded``: one boolean column per theme for the commented responses."""

    table: pd.DataFrame
    coded: pd.DataFrame
    n_comments: int
    comments_by_group: dict[str, int]
    uncoded: int
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None and len(self.table) > 0

    def records(self) -> list[dict[str, Any]]:
        """Rows for ``results/nps.json`` (``themes``)."""
        return self.table.to_dict(orient="records") if self.ok else []


_TABLE_COLUMNS = ["theme", "n", "share_comments", "share_detractors", "share_passives", "share_promoters",
                  "detractor_lift"]


def themes(responses: pd.DataFrame, extra: Mapping[str, list[str]] | None = None, *,
           group_column: str = "nps_group", comment_column: str = "comment") -> ThemeResult:
    """Code every comment and summarise the themes by promoter / passive / detractor.

    ``responses`` needs ``comment`` and the ``nps_group`` column of
    :func:`crmplay.chapters.nps.analysis.with_groups`.
    """
    empty = pd.DataFrame(columns=_TABLE_COLUMNS)
    if comment_column not in responses.columns:
        return ThemeResult(empty, pd.DataFrame(), 0, {}, 0, reason="the survey has no comment column")
    commented = has_comment(responses[comment_column])
    n_comments = int(commented.sum())
    if n_comments == 0:
        return ThemeResult(empty, pd.DataFrame(), 0, {}, 0, reason="no respondent left a comment")
    sub = responses.loc[commented]
    coded = code_comments(sub[comment_column], theme_dictionary(extra))
    groups = sub[group_column].astype(str).to_numpy()
    by_group = {g: int(np.count_nonzero(groups == g)) for g in GROUPS}
    rows = []
    for theme in coded.columns:
        hit = coded[theme].to_numpy()
        n = int(hit.sum())
        shares = {g: (np.count_nonzero(hit & (groups == g)) / by_group[g]) if by_group[g] else np.nan
                  for g in GROUPS}
        lift = shares[DETRACTOR] / shares[PROMOTER] if shares[PROMOTER] and shares[PROMOTER] > 0 else np.nan
        rows.append({"theme": theme, "n": n, "share_comments": n / n_comments,
                     "share_detractors": shares[DETRACTOR], "share_passives": shares[PASSIVE],
                     "share_promoters": shares[PROMOTER], "detractor_lift": lift})
    table = pd.DataFrame(rows, columns=_TABLE_COLUMNS)
    table = table[table["n"] > 0].sort_values(["n", "theme"], ascending=[False, True]).reset_index(drop=True)
    uncoded = int((~coded.to_numpy().any(axis=1)).sum()) if coded.shape[1] else n_comments
    reason = None if len(table) else "no comment matched a theme"
    return ThemeResult(table, coded, n_comments, by_group, uncoded, reason)


def example_quotes(responses: pd.DataFrame, result: ThemeResult, per_theme: int = 3, seed: int = 0, *,
                   group_column: str = "nps_group", comment_column: str = "comment",
                   max_chars: int = 280) -> pd.DataFrame:
    """A few example comments per theme (raw text: pass each through ``ctx.quote`` to mask
    personal data and escape it before display).

    For each theme the quotes come first from the group that raises it most (detractors when
    detractor_lift >= 1, else promoters), then from the others; readable lengths (15 to
    ``max_chars`` characters) are preferred; the choice is seeded.

    Returns a DataFrame: theme, group, score, comment.
    """
    cols = ["theme", "group", "score", "comment"]
    if not result.ok or per_theme <= 0:
        return pd.DataFrame(columns=cols)
    rng = np.random.default_rng(seed)
    sub = responses.loc[result.coded.index]
    text = sub[comment_column].astype("str").str.strip()
    length = text.str.len().to_numpy()
    readable = (length >= 15) & (length <= max_chars)
    groups = sub[group_column].astype(str).to_numpy()
    text_key = text.str.lower().to_numpy(dtype=object, na_value="")
    rows = []
    for theme_row in result.table.itertuples():
        hit = result.coded[theme_row.theme].to_numpy()
        lift = theme_row.detractor_lift
        first = DETRACTOR if (pd.isna(lift) or lift >= 1) else PROMOTER
        order = [first] + [g for g in (DETRACTOR, PASSIVE, PROMOTER) if g != first]
        chosen: list[int] = []
        for preference in (readable, np.ones_like(readable)):
            for g in order:
                pool = np.flatnonzero(hit & preference & (groups == g))
                if len(pool) > 2000:  # a random subset is plenty to pick a few quotes from
                    pool = np.sort(rng.choice(pool, size=2000, replace=False))
                # one quote per distinct text: repeated comments add nothing
                pool = pool[~pd.Series(text_key[pool]).duplicated().to_numpy()] if len(pool) else pool
                if chosen and len(pool):
                    pool = pool[~np.isin(text_key[pool], text_key[chosen])]
                take = min(len(pool), per_theme - len(chosen))
                if take > 0:
                    chosen.extend(rng.choice(pool, size=take, replace=False).tolist())
                if len(chosen) >= per_theme:
                    break
            if len(chosen) >= per_theme:
                break
        for pos in chosen:
            rows.append({"theme": theme_row.theme, "group": groups[pos],
                         "score": sub["score"].iloc[pos] if "score" in sub.columns else np.nan,
                         "comment": text.iloc[pos]})
    return pd.DataFrame(rows, columns=cols)


__all__ = ["DEFAULT_THEMES", "ThemeResult", "keyword_pattern", "theme_dictionary",
           "code_comments", "has_comment", "themes", "example_quotes"]
