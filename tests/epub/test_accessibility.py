"""Every fixture EPUB passes axe-core as DAISY Ace runs it: no violation in any content document.

See ``tests/accessibility.py`` for why axe-core stands in for Ace here and what it covers.
"""

from __future__ import annotations

import zipfile

import pytest

from tests.accessibility import axe_violations, describe

pytestmark = pytest.mark.slow


def test_fixture_epubs_have_no_accessibility_violation(books):
    found = {name: axe_violations(book.path) for name, book in books.items()}
    assert {name: describe(v) for name, v in found.items() if v} == {}


def test_the_check_finds_a_violation(books, tmp_path):
    """The check is live: an image without alt text in one document is reported, with its document."""
    source = books["plain"].path
    target = next(name for name, data in books["plain"].entries.items() if name.endswith(".xhtml") and b"<main>" in data)
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(broken, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == target:
                data = data.replace(b"<main>", b'<main><img src="missing.png"/>', 1)
            new.writestr(item, data)
    found = axe_violations(broken)
    assert list(found) == [target] and "image-alt" in {v["rule"] for v in found[target]}
