"""Gate G1: every example and fixture dossier passes the real EPUBCheck with 0 errors and 0 warnings."""

from __future__ import annotations

import pytest

from tests.conftest import epubcheck_messages, run_epubcheck
from tests.epub.conftest import FIXTURES

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_fixture_dossier_passes_epubcheck(books, name):
    report = run_epubcheck(books[name].path)
    assert epubcheck_messages(report) == []
    assert report["publication"]["language"] == books[name].dossier.language


def test_example_dossier_passes_epubcheck(aleppo_build):
    report = run_epubcheck(aleppo_build.outputs["epub"])
    assert epubcheck_messages(report) == []
