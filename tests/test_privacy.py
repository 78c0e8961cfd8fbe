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
