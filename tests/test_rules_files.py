"""The shipped rules files read by ``read_rules`` (libyaml when PyYAML has it) give what ``yaml.safe_load`` gives."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import bundler.cleaning
from bundler.cleaning import read_rules

RULES = sorted((Path(bundler.cleaning.__file__).parent / "rules").glob("*.yaml"))


def test_the_rules_files_are_found():
    assert len(RULES) >= 9


@pytest.mark.parametrize("path", RULES, ids=lambda path: path.name)
def test_same_data_as_the_pure_python_parser(path: Path):
    assert read_rules(path) == yaml.safe_load(path.read_text(encoding="utf-8"))
