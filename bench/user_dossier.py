"""A journalist's mixed Arabic/English dossier, end to end with the real CLI, and every manifest feature checked.

    PYTHONPATH=src python bench/user_dossier.py /tmp/dossier19        # ~2 min: import, build 12 editions, check

Builds a collection as a user would (``bundler new``, ``bundler import`` of real pages from
``../shared/realpages/`` plus an Arabic page, an Arabic and an English Markdown note, a plain-text
dump and a WARC, all but the real pages written here), writes ``collection.yaml`` by hand with
every feature the README documents (sections with inline and file intros, per-piece overrides,
rights, a cover, front and back matter, a list of editions with options), builds every edition
and reads each back with a real reader: EPUBCheck, the OPF's spine and metadata, the EPUB's
pages, pikepdf (outline, language, viewer direction), pdftotext, the HTML, libzim. Marker words
in the manifest (``OVERRIDE-TITLE-MARK`` ...) must show where each feature should. Prints one
line per check and exits 1 when any fails. The real pages are read at run time, never copied.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

REALPAGES = Path(__file__).resolve().parents[2] / "shared" / "realpages" / "wcxb-dev"
#: Real articles imported as saved pages (WCXB v1.0 dev split, CC-BY-4.0), by section.
MARKET_PAGES = ("0898", "0469", "2235")
TECH_PAGES = ("0208", "0187", "0431")
EVERYDAY_PAGES = ("0034", "0335", "4665")
WARC_PAGE = "0441"
EPOCH = "1710460800"

AR_PAGE = """<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>السوق القديم يفتح أبوابه من جديد</title>
<meta name="author" content="ليلى حداد"><meta property="article:published_time" content="2024-03-12"></head><body>
<nav><a href="/">الرئيسية</a></nav><article><h1>السوق القديم يفتح أبوابه من جديد</h1>
<p>بعد أشهر من الإغلاق، عاد الباعة إلى السوق القديم في وسط المدينة صباح يوم الثلاثاء. رتّب بائع التوابل أكياسه على الرفوف كما كان يفعل منذ ثلاثين عامًا، وقال إن الزبائن عادوا قبل أن تعود الكهرباء.</p>
<figure><img src="market_files/stall.jpg" alt="بسطة التوابل"><figcaption>بسطة التوابل صباحًا (تصوير: نور الهدى)</figcaption></figure>
<p>يقول بائع الخبز عند المدخل الشمالي إن الناس اشتاقوا إلى المكان، لا إلى البضاعة فقط، ويتحدث عن جيرانه الذين غادروا ولم يعودوا بعد. وما زالت الكهرباء تنقطع معظم ساعات النهار، ويعتمد الباعة على مولّد مشترك يدفعون ثمن وقوده معًا.</p>
<figure><img src="market_files/square.jpg" alt="الساحة مساءً"><figcaption>الساحة مساءً (تصوير: نور الهدى)</figcaption></figure>
<p>وفي المساء، حين تُغلق المحلات، يبقى بعض الشبان في الساحة يلعبون الورق تحت ضوء مصباح يعمل بالبطارية، ويتحدثون عن الأيام التي كانت فيها الساحة مزدحمة حتى منتصف الليل.</p>
</article></body></html>
"""
AR_NOTE = """---
title: ملاحظات من الميدان
authors: [سلمى ناصر]
date: 2024-03-14
language: ar
---

كتبتُ هذه الملاحظات في دفتر صغير خلال ثلاثة أيام في الحي، ولم أغيّر فيها إلا ما يلزم ليفهمها القارئ.

التقينا بالمجلس المحلي، وقالوا إن أهم ما يحتاجه الحي هو الماء ثم المدارس ثم الكهرباء.[^1]

[^1]: الترتيب كما ذكره رئيس المجلس.
"""
EN_NOTE = """---
title: Notes from the desk
authors: [Sam Reporter]
date: 2024-03-15
---

How the desk chose the pieces: reports on how people **rebuild ordinary life**, with pages from far away for comparison.
"""
WIRE = """Water trucks return to the eastern district

12 March 2024

Water trucks returned to the eastern district on Tuesday for the first time since January, residents said.

The trucks, paid for by local traders, filled rooftop tanks along three streets near the old market.
"""
PAGES = {
    "notes/introduction.md": "---\ntitle: Editors’ introduction\n---\n\nWhy this dossier: markets, schools and work.\n",
    "notes/section-technology.md": "---\ntitle: Technology\n---\n\nFILE-INTRO-MARK: pieces on technology, for comparison.\n",
    "notes/timeline.md": "---\ntitle: Timeline\n---\n\n- **12 March 2024**: the old market reopens.\n",
    "notes/glossary.md": "---\ntitle: Glossary — مسرد\n---\n\nSouq (سوق)\n: GLOSSARY-MARK a market.\n",
}
AR_TITLE = "إعادة بناء الحياة اليومية"

MANIFEST = """title: Rebuilding ordinary life
subtitle: A mixed Arabic and English dossier — ملف بالعربية والإنجليزية
description: Reports, notes and wire copy on markets and work.
identifier: urn:uuid:d88dd0a0-e046-41db-9768-d8563a0bf9c0
language: en
editors: [Dana Journalist, سلمى ناصر]
publisher: Desk Nineteen
organization: Desk Nineteen Archive
contact_name: Dana Journalist
contact_email: dana@example.org
date: 2024-03
subjects: [Reconstruction, أسواق]
rights: Licensed CC BY-NC 4.0 RIGHTS-MARK, with credit.
cover: notes/cover.jpg
front: [notes/introduction.md]
sections:
  - title: Markets — أسواق
    intro: INLINE-INTRO-MARK How the old market came back.
    pieces:
      - sources/wire.txt
      - source: {ar}
        title: السوق القديم يعود OVERRIDE-TITLE-MARK
        authors: [ليلى حداد, OVERRIDE-AUTHOR-MARK]
        date: 2024-03-13
        note: EDITOR-NOTE-MARK translated captions are the desk's.
        figures: [2]
      - {ar_note}
{market}
  - title: Technology
    intro: {{file: notes/section-technology.md}}
    pieces:
{tech}
      - {warc}
  - title: Everyday
    pieces:
      - {en_note}
{everyday_first}
        site: OVERRIDE-SITE-MARK
        language: en-US
{everyday_rest}
back:
  - notes/timeline.md
  - {{file: notes/glossary.md, kind: glossary}}
editions:
  - format: epub
  - {{format: epub, name: ar, language: ar, title: {ar_title}}}
  - format: epub-text
  - {{format: kepub, title: KEPUB-TITLE-MARK}}
  - {{format: html, budget: 5 MB}}
  - format: html-text
  - {{format: pdf, page_size: A4}}
  - {{format: pdf, name: ar, language: ar, page_size: A5, title: {ar_title}}}
  - format: pdf-phone
  - {{format: pdf-booklet, page_size: A4}}
  - {{format: pdf-archive, images: {{device: print}}}}
  - {{format: zim, title: ZIM-TITLE-MARK}}
"""
#: Marks every edition with text must carry (the EPUB and HTML colophons, the PDF's sources pages, the ZIM's).
EVERYWHERE = ("OVERRIDE-TITLE-MARK", "OVERRIDE-AUTHOR-MARK", "EDITOR-NOTE-MARK", "INLINE-INTRO-MARK", "FILE-INTRO-MARK")
EVERYWHERE += ("OVERRIDE-SITE-MARK", "RIGHTS-MARK", "GLOSSARY-MARK")


def bundler(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    paths = [str(Path(p).resolve()) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]  # cwd changes below
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": os.pathsep.join(paths)}
    return subprocess.run([sys.executable, "-m", "bundler", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)


def write_inputs(inputs: Path) -> None:
    """The sources written here, the real pages unpacked, one real page wrapped in a WARC."""
    from PIL import Image, ImageDraw
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    (inputs / "market_files").mkdir(parents=True, exist_ok=True)
    for name, colour in (("stall.jpg", (180, 120, 60)), ("square.jpg", (60, 120, 180)), ("cover.jpg", (30, 60, 90))):
        image = Image.new("RGB", (1200, 1800) if name == "cover.jpg" else (1400, 1000), colour)
        ImageDraw.Draw(image).ellipse([200, 200, 900, 700], fill=(230, 200, 120))
        image.save(inputs / ("cover.jpg" if name == "cover.jpg" else f"market_files/{name}"), quality=85)
    (inputs / "market.html").write_text(AR_PAGE, encoding="utf-8")
    (inputs / "ar-note.md").write_text(AR_NOTE, encoding="utf-8")
    (inputs / "desk-note.md").write_text(EN_NOTE, encoding="utf-8")
    (inputs / "wire.txt").write_text(WIRE, encoding="utf-8")
    for page in (*MARKET_PAGES, *TECH_PAGES, *EVERYDAY_PAGES):
        (inputs / f"page-{page}.html").write_bytes(gzip.decompress((REALPAGES / "html" / f"{page}.html.gz").read_bytes()))
    body = gzip.decompress((REALPAGES / "html" / f"{WARC_PAGE}.html.gz").read_bytes())
    url = json.loads((REALPAGES / "ground-truth" / f"{WARC_PAGE}.json").read_text(encoding="utf-8"))["url"]
    with open(inputs / f"archive-{WARC_PAGE}.warc.gz", "wb") as out:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer = WARCWriter(out, gzip=True)
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=headers, warc_headers_dict={"WARC-Date": "2025-12-20T10:00:00Z"}
        )
        writer.write_record(record)


def imported(result: subprocess.CompletedProcess) -> list[str]:
    """The piece.json paths ``bundler import`` says it added, in order."""
    return re.findall(r"^added (\S+/piece\.json)", result.stdout, re.M)


def make_collection(work: Path) -> tuple[Path, dict[str, list[str]]]:
    """``bundler new``, ``bundler import`` per section, then the hand-written manifest."""
    inputs = work / "inputs"
    write_inputs(inputs)
    collection = work / "dossier19"
    assert bundler("new", str(collection), "--title", "Rebuilding ordinary life", cwd=work).returncode == 0
    pieces: dict[str, list[str]] = {}
    batches = {
        "markets": ["market.html", "ar-note.md", "wire.txt", *(f"page-{p}.html" for p in MARKET_PAGES)],
        "tech": [*(f"page-{p}.html" for p in TECH_PAGES), f"archive-{WARC_PAGE}.warc.gz"],
        "everyday": ["desk-note.md", *(f"page-{p}.html" for p in EVERYDAY_PAGES)],
    }
    for name, files in batches.items():
        result = bundler("import", str(collection), *(str(inputs / f) for f in files), "--section", name, cwd=work)
        assert result.returncode == 0, result.stderr
        pieces[name] = imported(result)
    for path, text in PAGES.items():
        (collection / path).parent.mkdir(parents=True, exist_ok=True)
        (collection / path).write_text(text, encoding="utf-8")
    (collection / "notes" / "cover.jpg").write_bytes((inputs / "cover.jpg").read_bytes())
    markets, tech, everyday = pieces["markets"], pieces["tech"], pieces["everyday"]
    text = MANIFEST.format(
        ar=markets[0],
        ar_note=markets[1],
        market="\n".join(f"      - {p}" for p in markets[3:]),
        tech="\n".join(f"      - {p}" for p in tech[:-1]),
        warc=tech[-1],
        en_note=everyday[0],
        everyday_first=f"      - source: {everyday[1]}",
        everyday_rest="\n".join(f"      - {p}" for p in everyday[2:]),
        ar_title=AR_TITLE,
    )
    (collection / "collection.yaml").write_text(text, encoding="utf-8")
    return collection, pieces


class Checks:
    """One line per check; remembers failures."""

    def __init__(self) -> None:
        self.failed = self.made = 0

    def __call__(self, what: str, ok: bool, detail: str = "") -> None:
        self.failed += not ok
        self.made += 1
        print(f"{'ok  ' if ok else 'FAIL'} {what}" + (f": {detail}" if detail and not ok else ""))


def check_epub(check: Checks, path: Path, title: str, rtl: bool, order: list[str]) -> None:
    from lxml import etree

    ns = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
    jar = next(Path(__import__("epubcheck").__file__).parent.rglob("epubcheck.jar"))
    report = subprocess.run(["java", "-jar", str(jar), str(path)], capture_output=True, text=True, check=False)
    check(f"{path.name}: EPUBCheck", "No errors or warnings detected" in report.stdout, report.stdout[-300:])
    with zipfile.ZipFile(path) as book:
        opf = etree.fromstring(book.read("EPUB/content.opf"))
        items = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:item", ns)}
        spine = opf.find(".//opf:spine", ns)
        docs = [items[r.get("idref")] for r in spine.iterfind("opf:itemref", ns)]
        check(f"{path.name}: dc:title", opf.findtext(".//dc:title", namespaces=ns) == title, opf.findtext(".//dc:title", namespaces=ns))
        check(f"{path.name}: page progression", spine.get("page-progression-direction") == ("rtl" if rtl else "ltr"))
        check(f"{path.name}: dc:rights", "RIGHTS-MARK" in (opf.findtext(".//dc:rights", namespaces=ns) or ""))
        pieces = [d.removesuffix(".xhtml") for d in docs if d.removesuffix(".xhtml") in order]
        check(f"{path.name}: spine in the manifest's order", pieces == [p for p in order if p in pieces], str(pieces))
        text = " ".join(" ".join(etree.fromstring(book.read(f"EPUB/{d}")).itertext()) for d in docs)
        arabic = [d for d in docs if d.startswith("lswq")]
        page = etree.fromstring(book.read(f"EPUB/{arabic[0]}")) if arabic else None
        check(f"{path.name}: Arabic piece lang=ar dir=rtl", page is not None and (page.get("lang"), page.get("dir")) == ("ar", "rtl"))
    wanted = [m for m in EVERYWHERE if not rtl or m in ("OVERRIDE-TITLE-MARK", "OVERRIDE-AUTHOR-MARK", "EDITOR-NOTE-MARK", "RIGHTS-MARK")]
    check(f"{path.name}: every feature's mark", all(m in text for m in wanted), str([m for m in wanted if m not in text]))


def check_pdf(check: Checks, path: Path, title: str, rtl: bool, outline: list[str]) -> None:
    import pikepdf

    with pikepdf.open(path) as pdf:
        check(f"{path.name}: /Title", str(pdf.docinfo.get("/Title")) == title, str(pdf.docinfo.get("/Title")))
        check(f"{path.name}: /Lang", str(pdf.Root.get("/Lang")) == ("ar" if rtl else "en"))
        direction = pdf.Root.get("/ViewerPreferences", {}).get("/Direction")
        check(f"{path.name}: viewer direction", (str(direction) == "/R2L") == rtl, str(direction))
        with pdf.open_outline() as tree:
            titles = [item.title for top in tree.root for item in (top, *top.children)]
        check(f"{path.name}: outline in the manifest's order", [t for t in titles if t in outline] == [t for t in outline if t in titles])
    text = re.sub(r"\s+", " ", subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=False).stdout)
    text = re.sub(r"[\u200e\u200f\u202a-\u202e]", "", text)
    wanted = [m for m in EVERYWHERE if not rtl or m in ("OVERRIDE-TITLE-MARK", "OVERRIDE-AUTHOR-MARK", "EDITOR-NOTE-MARK", "RIGHTS-MARK")]
    check(f"{path.name}: every feature's mark", all(m in text for m in wanted), str([m for m in wanted if m not in text]))


def main(work: Path) -> int:
    work.mkdir(parents=True, exist_ok=True)
    collection, _pieces = make_collection(work)
    check = Checks()
    result = bundler("check", str(collection), cwd=work)
    check("bundler check", result.returncode == 0, result.stderr[-500:])
    listing = bundler("list", str(collection), "--json", cwd=work)
    check("bundler list", listing.returncode == 0, listing.stderr[-300:])
    build = bundler("build", str(collection), "--jobs", "2", cwd=work)
    check("bundler build (12 editions)", build.returncode == 0, build.stderr[-800:])
    if build.returncode:
        return 1
    dist = work / "dist" / "dossier19"
    sidecar = json.loads((dist / "dossier.json").read_text(encoding="utf-8"))
    order = [c["slug"] for c in sidecar["contents"]]
    titles = [c["title"] for c in sidecar["contents"]]
    for name, title, rtl in (("dossier19.epub", "Rebuilding ordinary life", False), ("dossier19.ar.epub", AR_TITLE, True)):
        check_epub(check, dist / name, title, rtl, order)
    check_epub(check, dist / "dossier19.kepub.epub", "KEPUB-TITLE-MARK", False, order)
    check_epub(check, dist / "dossier19-text.epub", "Rebuilding ordinary life", False, order)
    for name in ("dossier19.pdf", "dossier19-phone.pdf", "dossier19-booklet.pdf", "dossier19-archive.pdf"):
        check_pdf(check, dist / name, "Rebuilding ordinary life", False, titles)
    check_pdf(check, dist / "dossier19.ar.pdf", AR_TITLE, True, titles)
    for name in ("dossier19.html", "dossier19-text.html"):
        page = (dist / name).read_text(encoding="utf-8")
        check(f"{name}: every feature's mark", all(m in page for m in EVERYWHERE), str([m for m in EVERYWHERE if m not in page]))
        check(f"{name}: Arabic piece lang=ar dir=rtl", bool(re.search(r'<article[^>]*id="lswq[^"]*"[^>]*lang="ar"[^>]*dir="rtl"', page)))
    from libzim.reader import Archive

    archive = Archive(dist / "dossier19.zim")
    check("dossier19.zim: Title", archive.get_metadata("Title").decode() == "ZIM-TITLE-MARK")
    zim_text = " ".join(bytes(archive.get_entry_by_path(p).get_item().content).decode() for p in (order + ["sources"]))
    check("dossier19.zim: marks", all(m in zim_text for m in EVERYWHERE[:3]), "")
    print(f"{check.failed} of {check.made} check(s) failed")
    return 1 if check.failed else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/dossier19-bench")))
