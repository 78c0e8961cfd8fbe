"""``[survey] segment_columns`` that the NPS step would not find are warned about by
``crmplay.data.check_client`` (and shown on the data overview page)."""
from __future__ import annotations

from crmplay.data import check_client, inspect_client
from test_data_validate import write_client

NPS = "score,customer_id,Plan\n9,C1,prepaid\n3,C2,postpaid\n"
CUSTOMERS = "customer_id,region\nC1,north\nC2,south\n"


def _toml(segments: str, customers: bool = False, nps: bool = True) -> str:
    text = f'[client]\nname = "Seg"\n[survey]\nsegment_columns = {segments}\n'
    if nps:
        text += '[tables.nps_responses]\nfile = "nps.csv"\n'
    if customers:
        text += '[tables.customers]\nfile = "customers.csv"\n'
    return text


def test_missing_segment_column_is_a_warning_naming_file_and_column(tmp_path):
    config = write_client(tmp_path / "c", _toml('["Plan", "region", "tenure"]'), {"nps.csv": NPS})
    problems = check_client(config)
    warned = [(p.file, p.row, p.column, p.severity, p.kind, p.table) for p in problems]
    assert warned == [
        ("nps.csv", None, "region", "warning", "segment_column_not_found", "nps_responses"),
        ("nps.csv", None, "tenure", "warning", "segment_column_not_found", "nps_responses"),
    ]
    assert problems[0].expected == "a segment column named in client.toml [survey] segment_columns"
    assert "segment_columns" in problems[0].expected_in("fa") and "ستون" in problems[0].expected_in("fa")
    assert str(problems[0]).startswith('nps.csv, column "region" - warning: expected a segment column')


def test_segment_found_in_the_linked_customers_table_is_fine(tmp_path):
    # the NPS step takes a segment the responses lack from customers, through customer_id
    config = write_client(tmp_path / "c", _toml('["Plan", "region"]', customers=True),
                          {"nps.csv": NPS, "customers.csv": CUSTOMERS})
    assert check_client(config) == []


def test_segment_names_match_exactly_as_the_nps_step_does(tmp_path):
    config = write_client(tmp_path / "c", _toml('["plan"]'), {"nps.csv": NPS})
    assert [p.column for p in check_client(config)] == ["plan"]  # the header is "Plan"


def test_no_warning_without_a_survey_table_and_the_warning_does_not_block(tmp_path):
    config = write_client(tmp_path / "a", _toml('["region"]', nps=False, customers=True),
                          {"customers.csv": CUSTOMERS})
    assert check_client(config) == []
    config = write_client(tmp_path / "b", _toml('["tenure"]'), {"nps.csv": NPS})
    intake = inspect_client(config)
    assert len(intake.warnings) == 1 and intake.usable("nps_responses")
