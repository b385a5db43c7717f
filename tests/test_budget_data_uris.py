"""The HTML edition's size split finds the same ``data:`` URIs as the regular expression it replaced."""

from __future__ import annotations

import base64

import pytest

from bundler.build.budget import _DATA_URI, _data_uris, measure_edition

CASES = [
    b"",
    b"data:",
    b"data:image/png;base64,",
    b"data:image/png;base64,AAAA",
    b'x data:image/png;base64,AA"B data:font/woff2;base64,QQ== x',
    b'<img src="data:image/png;base64,AA BB">',
    b'data:data:image/jpeg;base64,AAA"',
    b'data:image/png;base64,AAdata:image/png;base64,BB"',
    b'data:text/css;base64,AA" data:image/svg+xml;base64,+/="',
    b'<a href="data:image/png;base64,AAA">data:image/png;base64,"',
    b"data:image/png;base64,AB\ndata:image/png;base64,CD",
]


def _by_regex(document: bytes) -> list[tuple[bytes, int]]:
    return [(match.group(1), len(match.group(0))) for match in _DATA_URI.finditer(document)]


@pytest.mark.parametrize("document", CASES)
def test_same_matches_as_the_regular_expression(document: bytes) -> None:
    assert list(_data_uris(document)) == _by_regex(document)


def test_an_html_edition_split_into_its_images(tmp_path) -> None:
    photo = base64.b64encode(bytes(range(256)) * 40)
    document = (
        b"<!DOCTYPE html>\n<html><body>"
        + b"".join(b'<img src="data:image/jpeg;base64,' + photo + b'" alt="">' for _ in range(3))
        + b"</body></html>\n"
    )
    path = tmp_path / "dossier.html"
    path.write_bytes(document)
    report = measure_edition(path, "html")
    assert report.images == 3 * len(b"data:image/jpeg;base64," + photo)
    assert report.total == len(document) and report.text == len(document) - report.images
    assert list(_data_uris(document)) == _by_regex(document)
