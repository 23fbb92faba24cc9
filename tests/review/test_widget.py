"""The workbench's notebook UI: every button and key comes from the one key map, and the
filters the UI sets are ones the session reads."""

from __future__ import annotations

import json
import re

import pytest

from kcgraph.review.session import KEYMAP, KEYS, Workbench
from kcgraph.review.widget import keys_script, workbench

from ..conftest import workspace

pytest.importorskip("ipywidgets")


@pytest.fixture()
def bench(tmp_path, proposals):
    return Workbench(workspace(out_dir=proposals.parent, mappings_dir=tmp_path / "decisions"))


def test_buttons_keys_and_script_come_from_one_key_map(bench):
    box = workbench(bench)
    assert list(bench.buttons) == [k.name for k in KEYMAP]
    for key in KEYMAP:
        assert f"kcg-{key.name}" in bench.buttons[key.name]._dom_classes
    script = json.loads(re.search(r"const map = (\{.*?\});", keys_script()).group(1))
    assert script == {k.key: k.name for k in KEYMAP}
    assert set(KEYS) == {"1", "2", "3", "4", "5", "r", "u"}
    assert "kcg-workbench" in box._dom_classes


def test_profile_pair_filter_takes_the_dropdowns_tuple(bench):
    """Regression: choosing "ccm - kcm" raised AttributeError ('tuple' has no 'split')."""
    box = workbench(bench)
    pairs = box.children[1].children[0]
    choice = next(value for label, value in pairs.options if value is not None)
    pairs.value = choice
    assert bench.pair == choice
    assert all((m.subject.prefix, m.object.prefix) == choice for m in bench.queue())
    pairs.value = None
    assert bench.pair is None
