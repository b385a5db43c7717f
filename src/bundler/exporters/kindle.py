"""What Send-to-Kindle refuses, told at build time for the EPUB editions people e-mail to a Kindle.

Amazon converts an e-mailed EPUB itself; it bounces a file over its e-mail limit and a book in
a language Kindle cannot show. The EPUB writer meets the structural rules (encoding
declared, NCX with ``playOrder`` and depth, see ``tests/epub/kindle_rules.py``); what a
dossier itself brings, its language and its size, becomes a warning here.
"""

from __future__ import annotations

from pathlib import Path

from bundler.errors import Report
from bundler.model import Dossier, Edition
from bundler.text.language import primary_language

#: Send-to-Kindle by e-mail takes attachments up to 50 MB (Amazon's "Send to Kindle" help page;
#: the desktop app and the web page take up to 200 MB).
EMAIL_LIMIT = 50 * 1000 * 1000
#: Languages Kindle books cannot be published in, though the reader may still open the file:
#: absent from the list of supported languages in Amazon's KDP help, "What languages are
#: supported?" (kdp.amazon.com/en_US/help/topic/G200673300), which since 2022 includes Arabic
#: but no other right-to-left language; Persian's absence is reported by RFE/RL (2019,
#: "Iranians, Afghans Plead With Amazon For Self-Publishing In Persian"). Listed: the
#: right-to-left languages a dossier in this project is likely to be written in.
UNSUPPORTED = {
    "fa": "Persian",
    "ur": "Urdu",
    "he": "Hebrew",
    "yi": "Yiddish",
    "ps": "Pashto",
    "ckb": "Central Kurdish (Sorani)",
    "sd": "Sindhi",
    "ug": "Uyghur",
    "dv": "Dhivehi",
    "syr": "Syriac",
    "prs": "Dari",
}
#: The editions that go to a Kindle (the Kobo edition and the PDFs do not).
KINDLE_FORMATS = ("epub", "epub-text")


def report_kindle_limits(dossier: Dossier, edition: Edition, out: Path, report: Report) -> None:
    """Warn when the written EPUB at ``out`` is over the e-mail limit or its language is one Kindle lacks."""
    if edition.format not in KINDLE_FORMATS:
        return
    languages = [dossier.language, *(p.language for p in dossier.pieces if p.language)]
    for code in dict.fromkeys(primary_language(tag) for tag in languages):
        if code in UNSUPPORTED:
            pieces = sum(1 for p in dossier.pieces if primary_language(p.language or dossier.language) == code)
            report.warn(
                f"{edition.id}: {UNSUPPORTED[code]} ({code}) is not a language Kindle supports ({pieces} piece(s)); "
                "Send-to-Kindle may refuse the book or show it with missing letters",
                "W440",
                hint="for Kindle readers, share the PDF (phone) edition instead; Kobo and other EPUB readers show it",
            )
    size = out.stat().st_size
    if size > EMAIL_LIMIT:
        report.warn(
            f"{edition.id}: {size / 1e6:.1f} MB is over Send-to-Kindle's 50 MB e-mail limit",
            "W441",
            key=f"{edition.where}.budget",
            hint=f"set 'budget: 50 MB' under {edition.where} in collection.yaml (images are shrunk to fit), "
            "or send the file with the Send to Kindle app or web page (up to 200 MB)",
        )
