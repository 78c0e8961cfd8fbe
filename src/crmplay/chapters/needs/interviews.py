"""Needs interviews: coded like/dislike statements ranked into a need list.

Every interview opens with the question that matters most, "What keeps you up at night?", then
asks what the customer likes and dislikes (source: service_rules; crm_aspects). Each statement
is coded ``like`` or ``dislike`` and given a theme; :func:`interview_needs` ranks the themes.

Example
-------
>>> import pandas as pd
>>> df = pd.DataFrame({"respondent_id": ["a", "a", "b"], "statement": ["x", "y", "z"],
...                    "polarity": ["dislike", "like", "dislike"], "theme": ["bills", "app", "bills"]})
>>> interview_needs(df)[["rank", "theme", "dislike_respondents"]].values.tolist()
[[1, 'bills', 2], [2, 'app', 0]]
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def interview_needs(interviews: pd.DataFrame | None, quotes_per_theme: int = 2) -> pd.DataFrame:
    """Coded interview statements ranked into a need list.

    Ranking rule: themes with the most respondents voicing a **dislike** come first (an unmet
    need), ties broken by the number of dislike statements, then by all mentions. Themes with
    likes only follow (strengths to keep).

    Returns
    -------
    DataFrame: theme, respondents (distinct respondents mentioning it), mentions, likes,
    dislikes, dislike_respondents, dislike_share (dislikes / mentions, 0-1),
    respondent_share (respondents / all interviewees, 0-1), rank, dislike_quotes, like_quotes
    (lists of raw statements: pass each through ``ctx.quote`` before showing it).
    """
    cols = ["rank", "theme", "respondents", "mentions", "likes", "dislikes", "dislike_respondents",
            "dislike_share", "respondent_share", "dislike_quotes", "like_quotes"]
    if interviews is None or len(interviews) == 0:
        return pd.DataFrame(columns=cols)
    missing = [c for c in ("statement", "polarity") if c not in interviews.columns]
    if missing:
        raise ValueError(f"the interviews table is missing column(s) {', '.join(missing)}; "
                         "expected respondent_id, statement, polarity (like|dislike), theme")
    df = interviews.copy()
    df["polarity"] = df["polarity"].astype(str).str.strip().str.lower()
    bad = sorted(set(df["polarity"]) - {"like", "dislike"})
    if bad:
        raise ValueError(f"interview polarity must be like or dislike; got {', '.join(map(repr, bad[:5]))}")
    df["theme"] = df["theme"].astype(object).where(df["theme"].notna(), "uncoded") if "theme" in df.columns else "uncoded"
    if "respondent_id" not in df.columns:
        df["respondent_id"] = np.arange(len(df)).astype(str)
    df["respondent_id"] = df["respondent_id"].astype(object).where(df["respondent_id"].notna(), pd.Series(
        [f"row{i}" for i in range(len(df))], index=df.index))
    total_respondents = df["respondent_id"].nunique()
    g = df.groupby("theme", sort=False)
    dis = df[df["polarity"] == "dislike"].groupby("theme", sort=False)
    like = df[df["polarity"] == "like"].groupby("theme", sort=False)
    out = pd.DataFrame({
        "respondents": g["respondent_id"].nunique(),
        "mentions": g.size(),
    })
    out["likes"] = like.size().reindex(out.index, fill_value=0)
    out["dislikes"] = dis.size().reindex(out.index, fill_value=0)
    out["dislike_respondents"] = dis["respondent_id"].nunique().reindex(out.index, fill_value=0)
    out["dislike_share"] = out["dislikes"] / out["mentions"]
    out["respondent_share"] = out["respondents"] / total_respondents
    first_quotes = lambda s: [str(v) for v in s.dropna().head(quotes_per_theme)]  # noqa: E731
    out["dislike_quotes"] = dis["statement"].agg(first_quotes).reindex(out.index)
    out["like_quotes"] = like["statement"].agg(first_quotes).reindex(out.index)
    for c in ("dislike_quotes", "like_quotes"):
        out[c] = [v if isinstance(v, list) else [] for v in out[c]]
    out = out.reset_index().rename(columns={"index": "theme"})
    out = out.sort_values(["dislike_respondents", "dislikes", "mentions", "theme"],
                          ascending=[False, False, False, True], kind="stable").reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1)
    out = out[cols]
    out.attrs["interviewees"] = int(total_respondents)
    return out


__all__ = ["interview_needs"]
