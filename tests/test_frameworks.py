"""The fixed lists match the domain notes (seeds 001, 003, 004)."""
from __future__ import annotations

import crmplay.core.frameworks as fw


def test_counts_and_groups():
    assert len(fw.ASPECTS) == 7          # seed 003: seven aspects of CRM
    assert len(fw.BEHAVIOURS) == 6       # seed 001: six scored rules (the seventh is the closing motto)
    assert len(fw.DIMENSIONS) == 10      # seed 004: ten dimensions
    groups = [d.group for d in fw.DIMENSIONS]
    assert groups == ["attract"] * 3 + ["delight"] * 4 + ["retain"] * 3
    for items in fw.FRAMEWORKS.values():
        ids = [i.id for i in items]
        assert len(ids) == len(set(ids))
        assert all(i.title_en and i.title_fa for i in items)
    assert sorted(fw.MATURITY_LEVELS) == [1, 2, 3, 4, 5]
    assert fw.get_item("dimensions", "clear_bills").group == "delight"
