"""Records are read by libyaml's parser where PyYAML has it, with the same data and lines as PyYAML's own."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, SEEDS
from kg.read import loader

pytestmark = pytest.mark.skipif(loader.CParser is None, reason="this PyYAML has no libyaml")

RECORDS = [SEEDS / "000_ce469ea1af2cc5a4.yaml", FIXTURES / "articles" / "mekong_wire_2022_03_10.yaml"]


@pytest.mark.parametrize("record", RECORDS, ids=lambda path: path.name)
def test_both_parsers_read_a_record_alike(record: Path):
    source = record.read_text(encoding="utf-8")
    assert loader._read_yaml(loader._FastLoader, source, record) == loader._read_yaml(loader._Loader, source, record)


scalars = st.one_of(st.text(max_size=20), st.integers(-10**6, 10**6), st.booleans(), st.none())
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.from_regex(r"[a-z_]{1,8}", fullmatch=True),
                                                                       inner, max_size=4)), max_leaves=20)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.from_regex(r"[a-z_]{1,8}", fullmatch=True), values, min_size=1, max_size=5),
       st.sampled_from([None, False]))
def test_both_parsers_give_the_same_data_and_lines_for_any_plain_record(data: dict, flow):
    source = yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow)
    try:
        slow = loader._read_yaml(loader._Loader, source, Path("r.yaml"))
    except loader.InputError:
        with pytest.raises(loader.InputError):
            loader._read_yaml(loader._FastLoader, source, Path("r.yaml"))
        return
    assert loader._read_yaml(loader._FastLoader, source, Path("r.yaml")) == slow
