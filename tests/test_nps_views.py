"""crmplay.chapters.nps.views (run and the show_* sections): report sections in English and Persian, privacy."""
from __future__ import annotations

import json
import re
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

from crmplay import notebook as nbmod  # noqa: E402
import crmplay.chapters.nps.views as nps_views  # noqa: E402
from crmplay.chapters.registry import load_client_config as load_config  # noqa: E402
from crmplay.core.i18n import Translator, catalogue, missing_keys  # noqa: E402

SRC = Path(__file__).resolve().parents[1] / "src" / "crmplay"


def test_persian_catalogue_is_complete():
    assert missing_keys("fa", "nps") == []


def test_every_static_key_used_exists():
    keys = set()
    for path in sorted((SRC / "chapters" / "nps").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        keys |= set(re.findall(r'"nps\.([a-z_]+\.[a-z_0-9]+|[a-z_]+)"', text))
    english = catalogue("en", "nps")
    assert sorted(k for k in keys if k not in english) == []


def _survey(n: int = 400, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ratings = rng.integers(1, 6, (n, 2)).astype(float)
    score = np.clip(np.rint(2 * ratings[:, 0] + rng.normal(0, 1.5, n) - 1), 0, 10)
    comments = rng.choice(["My bill was wrong again", "قبض اشتباه بود", "great coverage", ""], n).astype(object)
    comments[0] = "Wrong bill! Call Sara Ahmadi on 0912 345 6789 or sara@example.com"
    score[0] = 1
    return pd.DataFrame({
        "response_id": [f"R{i}" for i in range(n)], "customer_id": [f"C{i}" for i in range(n)],
        "date": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 200, n), unit="D"),
        "score": score, "comment": comments, "touchpoint": rng.choice(["relationship", "store"], n),
        "rating_billing": ratings[:, 0], "rating_price": ratings[:, 1],
        "plan": rng.choice(["a", "b", "tiny"], n, p=[0.5, 0.45, 0.05]),
    })


def _ctx(tmp_path, lang: str, tables: dict) -> nbmod.StepContext:
    client = tmp_path / "data" / "acme"
    client.mkdir(parents=True)
    (client / "client.toml").write_text(
        '[client]\nname = "Acme"\nlanguage = "en"\n[survey]\nsegment_columns = ["plan"]\n'
        "[steps.nps]\nbootstrap = 40\n", encoding="utf-8")
    config = load_config(client)
    return nbmod.StepContext(step="nps", client="acme", data_root=tmp_path / "data",
                             reports_root=tmp_path / "reports", config=config, lang=lang,
                             tr=Translator(lang), _tables=dict(tables))


@pytest.fixture
def shown(monkeypatch):
    items: list = []
    monkeypatch.setattr(nbmod, "_display", items.append)
    # figures with a text description go straight to IPython's display (with alt metadata)
    monkeypatch.setattr("IPython.display.display", lambda obj, *more, **kw: items.append(obj))
    # the tables are handed to the context directly, as if the client had configured them
    monkeypatch.setattr(nbmod.StepContext, "has", lambda self, table: self._tables.get(table) is not None)
    return items


def _text(items) -> str:
    parts = []
    for obj in items:
        data = getattr(obj, "data", None)
        if isinstance(data, str):
            parts.append(data)
    return "\n".join(parts)


SECTIONS = ("show_headline", "show_segments", "show_trend", "show_touchpoints", "show_drivers",
            "show_importance_performance", "show_themes", "show_economics", "show_followup", "show_actions")


@pytest.mark.parametrize("lang", ["en", "fa"])
def test_run_and_every_section(tmp_path, shown, lang):
    customers = pd.DataFrame({"customer_id": [f"C{i}" for i in range(400)],
                              "name": ["Sara Ahmadi"] + [f"Person {i}" for i in range(1, 400)]})
    ctx = _ctx(tmp_path, lang, {"nps_responses": _survey(), "customers": customers, "transactions": None})
    analysis = nps_views.run(ctx)
    assert analysis is not None and analysis.followup_file == "consultant/nps_detractor_followup.csv"
    for name in SECTIONS:
        getattr(nps_views, name)(ctx, analysis)
    text = _text(shown)
    # a chart reaches the page as a matplotlib Figure or, drawn by ctx.show_figure, as SVG
    figures = [obj for obj in shown if obj.__class__.__name__ == "Figure"
               or (isinstance(obj, dict) and "image/svg+xml" in obj)]
    assert len(figures) >= 6
    # personal data from the comments never reaches the report
    assert "Sara" not in text and "0912" not in text and "sara@example.com" not in text
    assert "[name]" in text or "[email]" in text
    assert "consultant/nps_detractor_followup.csv" not in text  # the path is for the consultant, not the page
    results = json.loads((tmp_path / "reports" / "acme" / "results" / "nps.json").read_text(encoding="utf-8"))
    assert results["followup"]["file"] == "consultant/nps_detractor_followup.csv"
    assert (tmp_path / "reports" / "acme" / "consultant" / "nps_detractor_followup.csv").is_file()
    if lang == "fa":
        assert re.search("[۰-۹]", text) and "منتقد" in text
    else:
        assert "too few responses" in text  # the tiny plan segment


def test_run_without_survey_says_so(tmp_path, shown):
    ctx = _ctx(tmp_path, "en", {"nps_responses": None})
    assert nps_views.run(ctx) is None
    assert "NPS survey" in _text(shown)
    before = len(shown)
    for name in SECTIONS:
        getattr(nps_views, name)(ctx, None)
    assert len(shown) == before


def test_sections_with_thin_data(tmp_path, shown):
    survey = pd.DataFrame({"score": [10, 9, 3], "comment": ["", None, " "]})
    ctx = _ctx(tmp_path, "en", {"nps_responses": survey})
    analysis = nps_views.run(ctx)
    for name in SECTIONS:
        getattr(nps_views, name)(ctx, analysis)
    text = _text(shown)
    assert "no rating_* attribute columns" in text
    assert "no respondent left a comment" in text
    assert "carry no dates" in text
