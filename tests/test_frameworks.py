"""The fixed lists match the domain notes (sources service_rules, crm_aspects, nps_telecom)."""
from __future__ import annotations

import pytest

import crmplay.core.frameworks as fw


def test_counts_and_groups():
    assert len(fw.ASPECTS) == 7          # crm_aspects: seven aspects of CRM
    assert len(fw.BEHAVIOURS) == 6       # service_rules: six scored rules (the seventh is the closing motto)
    assert len(fw.DIMENSIONS) == 10      # nps_telecom: ten dimensions
    groups = [d.group for d in fw.DIMENSIONS]
    assert groups == ["attract"] * 3 + ["delight"] * 4 + ["retain"] * 3
    for items in fw.FRAMEWORKS.values():
        ids = [i.id for i in items]
        assert len(ids) == len(set(ids))
        assert all(i.title_en and i.title_fa for i in items)
    assert sorted(fw.MATURITY_LEVELS) == [1, 2, 3, 4, 5]
    assert fw.get_item("dimensions", "clear_bills").group == "delight"


def test_every_dimension_carries_its_library_and_keywords():
    for d in fw.DIMENSIONS:
        assert d.keywords and d.practices and d.kpis, d.id
        assert d.quick_win in d.practices and d.lasting_fix in d.practices and d.quick_win != d.lasting_fix
        assert all(k in fw.KPI_UNITS for k in d.kpis)
    assert sorted(fw.MATCH_ORDER) == sorted(fw.DIMENSION_IDS)
    assert set(fw.ITEM_DIMENSIONS.values()) <= set(fw.DIMENSION_IDS)
    assert set(fw.ITEM_DIMENSIONS) <= set(fw.item_ids("aspects")) | set(fw.item_ids("behaviours"))


@pytest.mark.parametrize("name, expected", [
    ("billing", "clear_bills"), ("Invoice errors", "clear_bills"), ("قبض و صورتحساب", "clear_bills"),
    ("صورت\u200cحساب", "clear_bills"),                       # zero-width non-joiner read as a space
    ("call_centre", "problem_hero"), ("One number for every problem", "problem_hero"), ("مرکز تماس", "problem_hero"),
    ("Low-balance alerts", "discover_value"), ("onboarding", "teach_setup"), ("Easy set-up", "teach_setup"),
    ("راه‌اندازی", "teach_setup"), ("plan_change", "enjoyable_upgrades"), ("rewards", "value_the_valuable"),
    ("follow_up", "turn_unhappy"), ("win_back", "win_back"), ("app", "differentiated_experience"),
    ("Mobile app", "differentiated_experience"), ("اپلیکیشن", "differentiated_experience"),
    ("happy", None),                                            # "app" must be a whole word
    ("network", None), ("شبکه", None), ("price", None), ("store", None),  # basic needs: no dimension
])
def test_match_dimension(name, expected):
    assert fw.match_dimension(name) == expected
