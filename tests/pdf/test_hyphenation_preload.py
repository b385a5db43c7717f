"""The book's hyphenation patterns are loaded before the layout workers fork, once, not by every worker.

WeasyPrint reads a language's pyphen patterns at its first hyphenated word in a process; a layout
worker forked from a build that loaded them (``LayoutRound``) finds them in pyphen's cache.
"""

from __future__ import annotations

import subprocess
import sys

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
