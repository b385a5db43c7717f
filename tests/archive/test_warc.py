"""WARC import: article pages and their archived images, with record ids as provenance."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from bundler.errors import ImportError_
from bundler.importers import ImportOptions, find_source, read_piece
from bundler.importers.warc import read_records, read_warc
from tests.kitchen_sink import make_photo

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Bread queues in the old city | Example News</title>
<meta property="og:title" content="Bread queues in the old city">
<link rel="canonical" href="https://news.example.org/2016/05/bread-queues"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Bread queues in the old city</h1>
<p class="byline">By Jane Example</p>
<p>Queues formed before dawn outside the last working bakery in the old city, residents said on Monday.</p>
<figure><img src="/media/market.jpg" alt="A market stall under a striped awning">
<figcaption>The covered market in April. <span class="credit">Sam Photographer</span></figcaption></figure>
<p>By nine o'clock the bread had run out and people walked to the next district, two hours away on foot.</p>
<p>Prices for a bundle of bread have more than doubled since March, according to traders in the market.</p>
<figure><img src="https://cdn.example.org/not-archived.jpg" alt="A street"><figcaption>Not in the archive.</figcaption></figure>
</article><footer>Copyright Example News</footer></body></html>
"""

OTHER = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>The night shift</title></head>
<body><article><h1>The night shift</h1><p>Bakers work through the night to have bread ready before the queues form.</p>
<p>They sleep in the afternoon, when the power comes back for two hours.</p></article></body></html>
"""


def write_warc(path: Path, photo: bytes) -> Path:
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for url, body, content_type in (
            ("https://news.example.org/2016/05/bread-queues", PAGE.encode(), "text/html; charset=utf-8"),
            ("https://news.example.org/media/market.jpg", photo, "image/jpeg"),
            ("https://news.example.org/2016/05/night-shift", OTHER.encode(), "text/html"),
            ("https://news.example.org/style.css", b"body{}", "text/css"),
        ):
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=headers, warc_headers_dict={"WARC-Date": "2016-05-02T10:00:00Z"}
            )
            writer.write_record(record)
    return path


@pytest.fixture
def crawl(tmp_path) -> Path:
    photo = make_photo(tmp_path / "market.jpg", gps=True).read_bytes()
    return write_warc(tmp_path / "crawl.warc.gz", photo)


def test_records_are_read(crawl):
    records = read_records(crawl)
    assert [r.media_type for r in records] == ["text/html", "image/jpeg", "text/html", "text/css"]
    assert all(r.record_id.startswith("<urn:uuid:") for r in records)


def test_pages_import_with_archived_images(crawl, tmp_path):
    assert find_source(crawl)[0] == "warc"
    pieces = read_warc(crawl, ImportOptions(media_dir=tmp_path / "media", source_label="sources/crawl.warc.gz"))
    assert [p.title for p in pieces] == ["Bread queues in the old city", "The night shift"]
    bread = pieces[0]
    figures = bread.figures
    archived = [f for f in figures if f.image and f.image.path]
    assert len(archived) == 1
    image = archived[0].image
    assert Path(image.path).is_file() and Path(image.path).read_bytes() == (tmp_path / "market.jpg").read_bytes()
    assert image.url == "https://news.example.org/media/market.jpg"
    assert "covered market" in archived[0].caption
    records = {r.url: r.record_id for r in read_records(crawl)}
    assert bread.provenance.warc_record_ids == (
        records["https://news.example.org/2016/05/bread-queues"],
        records["https://news.example.org/media/market.jpg"],
    )
    assert bread.provenance.importer == "warc" and bread.provenance.retrieved == "2016-05-02"
    assert bread.provenance.source_url == "https://news.example.org/2016/05/bread-queues"
    assert "Queues formed before dawn" in " ".join(getattr(b, "html", "") for b in bread.body)


def test_url_filter_and_errors(crawl, tmp_path):
    options = ImportOptions(media_dir=tmp_path / "media")
    only = read_warc(crawl, options, urls=["https://news.example.org/2016/05/night-shift"])
    assert [p.title for p in only] == ["The night shift"]
    with pytest.raises(ImportError_, match="no HTML page"):
        read_warc(crawl, options, urls=["https://news.example.org/missing"])
    with pytest.raises(ImportError_, match="2 pages"):
        read_piece(crawl, options)
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(b"\x1f\x8b not really")
    with pytest.raises(ImportError_):
        read_warc(broken, options)


def test_bundler_import_takes_pages_from_a_warc(crawl, tmp_path):
    """The CLI path: `bundler import COLLECTION crawl.warc.gz --url URL`, then the collection checks and builds."""
    import subprocess
    import sys

    from bundler.model import piece_from_data

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "bundler", *args], capture_output=True, text=True, timeout=300)

    collection = tmp_path / "crawl-dossier"
    assert cli("new", str(collection), "--title", "Crawl").returncode == 0
    result = cli("import", str(collection), str(crawl), "--url", "https://news.example.org/2016/05/bread-queues", "--section", "Pages")
    assert result.returncode == 0, result.stderr
    assert (collection / "sources" / "crawl.warc.gz").read_bytes() == crawl.read_bytes()
    stored = sorted(collection.glob("pieces/*/piece.json"))
    assert len(stored) == 1
    import json

    piece = piece_from_data(json.loads(stored[0].read_text(encoding="utf-8"))["piece"])
    assert piece.title == "Bread queues in the old city"
    assert len(piece.provenance.warc_record_ids) == 2
    assert any(f.image and f.image.path for f in piece.figures)
    assert cli("check", str(collection)).returncode == 0
    everything = cli("import", str(collection), str(crawl), "--section", "Pages")
    assert everything.returncode == 0, everything.stderr
    assert "already in the collection" in everything.stderr  # the page imported before is not imported twice
    assert len(list(collection.glob("pieces/*/piece.json"))) == 2
    assert cli("check", str(collection)).returncode == 0


def test_replace_cleans_an_archived_page_again_and_keeps_the_archive(crawl, tmp_path, capsys, monkeypatch):
    """After an upgrade, `import --replace` of the same WARC cleans its imported pages again; the WARC stays as it is."""
    import json

    from bundler.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out = capsys.readouterr()
        assert "Traceback" not in out.err
        return code, out.out, out.err

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1462838400")
    collection = tmp_path / "crawl-dossier"
    assert run("new", str(collection), "--title", "Crawl")[0] == 0
    assert run("import", str(collection), str(crawl), "--url", "https://news.example.org/2016/05/bread-queues")[0] == 0
    (stored,) = collection.glob("pieces/*/piece.json")
    entry = stored.relative_to(collection).as_posix()
    current = stored.read_text(encoding="utf-8")
    older = current.replace("the last working bakery", "the LAST working bakery")
    assert older != current
    stored.write_text(older, encoding="utf-8")
    archive = (collection / "sources" / "crawl.warc.gz").read_bytes()

    code, out, err = run("import", str(collection), str(crawl), "--url", "https://news.example.org/2016/05/bread-queues", "--replace")
    assert code == 0 and f"cleaned {entry}" in out, err
    assert stored.read_text(encoding="utf-8") == current, "the page is cleaned again as this bundler cleans it"
    assert (collection / "sources" / "crawl.warc.gz").read_bytes() == archive
    (kept,) = (collection / "history").iterdir()
    assert (kept / entry).read_text(encoding="utf-8") == older and not (kept / "sources").exists()
    log = json.loads((collection / "provenance.json").read_text(encoding="utf-8"))["pieces"][entry]
    assert [e["event"] for e in log] == ["imported", "replaced"] and log[1]["same_original"] is True
    assert run("check", str(collection))[0] == 0

    code, _, err = run("import", str(collection), str(crawl), "--url", "https://news.example.org/2016/05/bread-queues", "--replace")
    assert code == 0 and "N150" in err and "comes out the same" in err
    assert len(list((collection / "history").iterdir())) == 1
