"""Personal data masking and HTML escaping of customer text."""
from __future__ import annotations

from hypothesis import given, strategies as st

from crmplay.core.privacy import escape, mask_pii, safe_quote


def test_masks_emails_phones_links_and_names():
    text = "Ali Rezaei here, call 0912 345 6789 or +98 (21) 8888-1234, mail ali.r@example.ir, see https://x.y/z"
    out = mask_pii(text, names=["Ali Rezaei"])
    assert "0912" not in out and "8888" not in out and "example.ir" not in out and "https" not in out
    assert "Ali Rezaei" not in out
    assert out.count("[phone]") == 2 and "[email]" in out and "[name]" in out and "[link]" in out


def test_masks_persian_digit_phone_numbers():
    assert mask_pii("شماره من ۰۹۱۲۳۴۵۶۷۸۹ است") == "شماره من [phone] است"


def test_keeps_ordinary_numbers():
    assert mask_pii("I paid 120000 toman in 2024, 3 times") == "I paid 120000 toman in 2024, 3 times"


def test_escape_and_safe_quote():
    assert escape('<script>alert("x")</script>') == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    assert safe_quote("<b>a@b.co</b>") == "&lt;b&gt;[email]&lt;/b&gt;"
    assert safe_quote("<b>a@b.co</b>", show_personal_data=True) == "&lt;b&gt;a@b.co&lt;/b&gt;"


@given(st.text())
def test_safe_quote_never_leaves_markup(text):
    out = safe_quote(text)
    assert "<" not in out and ">" not in out


# --- issue 13: phones glued to words, any separator and digit system; names across scripts ------

import string  # noqa: E402

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

from crmplay.core.privacy import PHONE_RE, PiiMask, person_names  # noqa: E402

DIGIT_SYSTEMS = ["0123456789", "۰۱۲۳۴۵۶۷۸۹", "٠١٢٣٤٥٦٧٨٩"]
ALL_DIGITS = "".join(DIGIT_SYSTEMS)
SEPARATORS = ["", " ", "-", "\u2013", "\u2014", "/", ".", "\u00a0", " - ", "\u2212"]
latin_words = st.text(alphabet=string.ascii_letters, max_size=8)
persian_words = st.text(alphabet="ابپتجچحخدرزژسشطعغفقکگلمنوهی\u200c", max_size=8)
words = st.one_of(latin_words, persian_words)


@st.composite
def phone_spellings(draw):
    """A phone number as people write it: mobile, international or landline, in one digit
    system, with one kind of separator, glued to words of either script on both sides."""
    d = st.integers(0, 9)
    kind = draw(st.sampled_from(["mobile", "intl", "landline", "landline_split"]))
    rest = "".join(str(draw(d)) for _ in range(9))
    if kind == "mobile":
        groups = ["09" + rest[:2], rest[2:5], rest[5:]]
    elif kind == "intl":
        groups = ["+98", "9" + rest[:2], rest[2:5], rest[5:]]
    elif kind == "landline":
        groups = ["0" + rest[:2], rest[1:9]]
    else:
        groups = ["0" + rest[:2], rest[1:5], rest[5:9]]
    sep = draw(st.sampled_from(SEPARATORS))
    system = draw(st.sampled_from(DIGIT_SYSTEMS))
    number = sep.join(groups).translate(str.maketrans("0123456789", system))
    return draw(words) + number + draw(words)


@settings(max_examples=400, deadline=None)
@given(phone_spellings())
def test_every_phone_spelling_is_masked(text):
    out = mask_pii(text)
    assert "[phone]" in out
    assert not any(c in ALL_DIGITS for c in out), out


@st.composite
def ordinary_numbers(draw):
    """Prices, years, counts, dates and decimals in running text (any digit system)."""
    kind = draw(st.sampled_from(["price_grouped", "price_currency", "year", "count", "date", "date_time",
                                 "year_range", "decimal", "price_spaced"]))
    if kind == "price_grouped":
        text = f"{draw(st.integers(1000, 999_999_999)):,}".replace(",", draw(st.sampled_from([",", "\u066c"])))
    elif kind == "price_spaced":
        text = f"{draw(st.integers(1_000_000, 999_999_999)):,}".replace(",", draw(st.sampled_from([" ", "."])))
    elif kind == "price_currency":
        text = f"{draw(st.integers(1, 10**10))}" + draw(st.sampled_from([" تومان", " ریال", " toman", "$", " IRR"]))
    elif kind == "year":
        text = str(draw(st.integers(1300, 2100)))
    elif kind == "count":
        text = str(draw(st.integers(0, 999)))
    elif kind in ("date", "date_time"):
        y, m, day = draw(st.integers(1300, 2100)), draw(st.integers(1, 12)), draw(st.integers(1, 31))
        sep = draw(st.sampled_from(["-", "/", "."]))
        text = (f"{y}{sep}{m:02d}{sep}{day:02d}" if draw(st.booleans()) else f"{day:02d}{sep}{m:02d}{sep}{y}")
        if kind == "date_time":
            text += f" {draw(st.integers(0, 23)):02d}:{draw(st.integers(0, 59)):02d}"
    elif kind == "year_range":
        text = f"{draw(st.integers(1300, 2100))}{draw(st.sampled_from(['-', '–', '/']))}{draw(st.integers(1300, 2100))}"
    else:
        text = f"{draw(st.integers(0, 999))}.{draw(st.integers(1000000, 99999999))}"
    system = draw(st.sampled_from(DIGIT_SYSTEMS))
    return f"{draw(words)} {text.translate(str.maketrans('0123456789', system))} {draw(words)}"


@settings(max_examples=400, deadline=None)
@given(ordinary_numbers())
def test_ordinary_numbers_are_not_masked(text):
    assert mask_pii(text) == text


@pytest.mark.parametrize("text", [
    "شماره‌ام۰۹۱۲۳۴۵۶۷۸۹است", "call09123456781", "0912–345–6789", "0912/345/6789", "٠٩١٢ ٣٤٥ ٦٧٨٩",
    "tel:+98-21-8888-1234.", "(021) 8888 1234", "0098 912 345 6789", "شماره ۰۹۱۲-۳۴۵-۶۷۸۹ لطفا",
])
def test_issue_13_phone_spellings(text):
    out = mask_pii(text)
    assert "[phone]" in out and not any(c in ALL_DIGITS for c in out), out
    assert PHONE_RE.search(text) is not None and PHONE_RE.search(out) is None


def test_names_in_both_scripts_are_masked_from_columns_and_rows():
    customers = pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "name": ["Ali Rezaei", "سارا احمدی", "Sara Ahmadi"],
                              "name_fa": ["علی رضایی", None, None], "plan": ["gold", "basic", "gold"]})
    names = person_names(customers)
    assert set(names) == {"Ali Rezaei", "علی رضایی", "سارا احمدی", "Sara Ahmadi"}
    mask = PiiMask(names)
    text = "علي رضايي گفت: ali  rezaei و سارا‌احمدی و SARA AHMADI ناراضی‌اند؛ Alireza and gold plan stay"
    out = mask.mask(text)
    assert out.count("[name]") == 4, out
    assert "Alireza" in out and "gold" in out


def test_first_and_last_name_columns_are_joined():
    customers = pd.DataFrame({"First Name": ["Ali"], "Last Name": ["Rezaei"], "user_name": ["ali_r"]})
    assert person_names(customers) == ["Ali Rezaei"]


def test_mask_is_built_once_and_linear(monkeypatch):
    """Counted, not timed (the time is in benchmarks/bench_run.py): one mask is built for the
    36 quotes, and masking a quote looks each of its words up once, whatever the number of
    names (the first version compiled one regex per name per quote: ~60 s for these)."""
    import crmplay.core.privacy as privacy

    names = [f"Customer{i} Family{i % 997}" for i in range(20_000)] + [f"مشتری{i} خانواده" for i in range(5_000)]
    quotes = [f"I am Customer{i * 7} Family{(i * 7) % 997}, bill 120000 toman, call 0912 345 {1000 + i}" * 3
              for i in range(36)]
    privacy._cached_mask.cache_clear()
    privacy.pii_mask(names)  # built here
    folded = []
    real_fold = privacy._fold_word
    monkeypatch.setattr(privacy, "_fold_word", lambda w: folded.append(w) or real_fold(w))
    out = [mask_pii(q, names) for q in quotes]
    assert all("[name]" in o and "[phone]" in o and "Customer" not in o for o in out)
    info = privacy._cached_mask.cache_info()
    assert (info.misses, info.hits) == (1, 36)
    words = sum(len(privacy._WORD_RE.findall(privacy.PHONE_RE.sub(privacy.PHONE_MASK, q))) for q in quotes)
    assert len(folded) == words  # one lookup per word of the text, none per name
