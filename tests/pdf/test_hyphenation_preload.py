"""The book's hyphenation patterns are loaded before the layout workers fork, once, not by every worker.

WeasyPrint reads a language's pyphen patterns at its first hyphenated word in a process; a layout
worker forked from a build that loaded them (``LayoutRound``) finds them in pyphen's cache.
"""

from __future__ import annotations

import subprocess
import sys

from bundler.exporters.pdf.parts import book_languages
from bundler.model import Dossier, Paragraph, Piece, Section, TextPage

# In a fresh interpreter (pyphen's cache is per process): nothing loaded before, English and French
# after, nothing for Arabic (pyphen has no patterns for it; WeasyPrint does not hyphenate it) or "";
# a process forked afterwards, as a layout worker is, reads no pattern file for English.
CHILD = """
import os, pyphen
from bundler.exporters.pdf.layout import load_hyphenation
assert not pyphen.hdcache, pyphen.hdcache
load_hyphenation(["en", "ar", "fr", "en", ""])
loaded = sorted(path.name for path in pyphen.hdcache)
print(loaded)
pid = os.fork()
if pid == 0:
    opened = []
    os.sys.addaudithook(lambda event, args: event == "open" and opened.append(str(args[0])))
    pyphen.Pyphen(lang="en")
    os._exit(1 if any(name.endswith(".dic") for name in opened) else 0)
print("child read a pattern file" if os.waitpid(pid, 0)[1] else "child read none")
"""


def test_load_hyphenation_loads_each_language_with_patterns_once_for_forked_workers():
    result = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == ["['hyph_en_GB.dic', 'hyph_fr.dic']", "child read none"]


def test_book_languages_are_the_books_then_its_pieces_and_pages_each_once():
    pieces = (
        Piece(title="One", slug="one", body=(Paragraph("Text."),)),
        Piece(title="Deux", slug="deux", language="fr", body=(Paragraph("Texte."),)),
        Piece(title="واحد", slug="wahid", language="ar", direction="rtl", body=(Paragraph("نص."),)),
    )
    dossier = Dossier(
        title="Languages",
        identifier="urn:uuid:5c0c7a2e-0000-4000-8000-000000000313",
        slug="languages",
        language="de",
        sections=(Section(title="Pieces", slug="pieces", pieces=pieces),),
        back_matter=(TextPage(title="Colophon", body=(Paragraph("Text."),), slug="colophon"),),
    )
    assert book_languages(dossier) == ["de", "en", "fr", "ar"]
