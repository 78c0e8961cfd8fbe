"""crmplay.chapters.nps.verbatims: coding comments against the theme dictionary (English and Persian)."""
from __future__ import annotations

import pandas as pd
import pytest

import crmplay.chapters.nps.verbatims as nv
from crmplay.chapters.nps.analysis import with_groups


def coded(texts, extra=None):
    table = nv.code_comments(pd.Series(texts), nv.theme_dictionary(extra))
    return [sorted(t for t, hit in row.items() if hit) for _, row in table.iterrows()]


def test_english_and_persian_keywords():
    got = coded(["My BILL was wrong", "I was transferred three times", "قبض این ماه اشتباه بود",
                 "پشتیبانی جواب نداد", "No signal at home", "اینترنت خیلی کند است"])
    assert got == [["billing"], ["call_centre"], ["billing"], ["call_centre"], ["network_coverage"],
                   ["internet_speed"]]


def test_multi_label():
    assert coded(["Wrong bill and the call centre transferred me twice"]) == [["billing", "call_centre"]]


def test_arabic_ye_kaf_and_spacing_variants_match():
    persian = "صورتحساب اشتباه است"
    arabic = persian.replace("ی", "ي").replace("ک", "ك")
    with_zwnj = "صورت\u200cحساب اشتباه است"
    spaced = "صورت حساب اشتباه است"
    assert coded([persian, arabic, with_zwnj, spaced]) == [["billing"]] * 4
    assert coded(["the low-balance text helped", "low balance alert"]) == [["alerts"], ["alerts"]]


def test_word_start_and_whole_word():
    # "bill" matches "billing" but not inside a word; "=app" matches the word "app" only
    assert coded(["billing error", "a rebill"]) == [["billing"], []]
    assert coded(["I am happy", "the app crashed", "an apple"]) == [[], ["digital"], []]
    # The verb "می‌کند" (does) is not the adjective "کند" (slow).
    assert coded(["مرکز تماس کاری نمی‌کند"]) == [["call_centre"]]


def test_client_can_extend_and_add_themes():
    extra = {"billing": ["direct debit"], "roaming": ["roaming", "رومینگ"], "promo": ["re:free\\s+minutes?"]}
    assert coded(["direct debit failed", "رومینگ گران است", "free minutes please"], extra) == [
        ["billing"], ["price", "roaming"], ["promo"]]


def test_invalid_pattern_names_theme_and_keyword():
    with pytest.raises(ValueError, match="theme 'bad'.*re:\\(unclosed"):
        nv.theme_dictionary({"bad": ["re:(unclosed"]})


def test_empty_and_missing_comments_are_never_coded():
    assert coded(["", "   ", None]) == [[], [], []]


def _responses(comments, scores):
    return with_groups(pd.DataFrame({"score": scores, "comment": comments}))


def test_themes_by_group_shares():
    frame = _responses(["wrong bill", "wrong bill again", "great coverage", "", "bill ok", None],
                       [2, 3, 10, 9, 10, 8])
    result = nv.themes(frame)
    assert result.n_comments == 4
    assert result.comments_by_group == {"detractor": 2, "passive": 0, "promoter": 2}
    row = result.table.set_index("theme").loc["billing"]
    assert row["n"] == 3
    assert row["share_detractors"] == 1.0
    assert row["share_promoters"] == 0.5
    assert pd.isna(row["share_passives"])  # no passive commented
    assert row["detractor_lift"] == 2.0
    assert result.uncoded == 0


def test_comments_all_empty_gives_reason():
    result = nv.themes(_responses(["", None, "  "], [1, 5, 9]))
    assert not result.ok and result.reason == "no respondent left a comment"
    assert nv.themes(pd.DataFrame({"score": [1], "nps_group": ["detractor"]})).reason.startswith("the survey has no")
    assert nv.example_quotes(_responses(["", None, "  "], [1, 5, 9]), result).empty


def test_example_quotes_distinct_and_from_the_raising_group():
    comments = ["My bill was wrong again this month"] * 5 + ["The invoice is impossible to understand",
                                                             "Bills are clear and always correct"]
    frame = _responses(comments, [1, 2, 3, 4, 5, 6, 10])
    result = nv.themes(frame)
    quotes = nv.example_quotes(frame, result, per_theme=3, seed=1)
    billing = quotes[quotes["theme"] == "billing"]
    assert len(billing) == 3
    assert billing["comment"].is_unique
    assert billing["group"].iloc[0] == "detractor"
    assert set(billing["comment"]) == set(comments[4:])
