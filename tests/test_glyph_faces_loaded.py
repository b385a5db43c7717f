"""Characters are checked against the shipped faces first, and the installed faces' maps loaded only when needed.

A rebuild after one edit scanned every piece for undrawable characters against all ~190
installed faces' maps; for text in the shipped faces' scripts that load is skipped, and the
answer is the same as against the whole set.
"""

from __future__ import annotations

import subprocess
import sys

from bundler.render.glyph_coverage import covered_codepoints, is_drawn, missing_characters, never_drawable

SAMPLES = [
    "The committee met on Tuesday — “again”, it said.",
    "قالت اللجنة إنها اجتمعت يوم الثلاثاء.",
    "会议于星期二举行。 தமிழ் 𝔘 🜂 \u0092 \t\n",
    "Ǆ ℵ ⅷ ☃ \U0001f600 \u200d \ue000 \U000e0001",
]


def test_the_same_characters_as_against_every_face():
    covered = covered_codepoints()
    for text in SAMPLES:
        expected = tuple(sorted(ch for ch in set(text) if (ord(ch) not in covered or never_drawable(ch)) and is_drawn(ch)))
        assert missing_characters(text) == expected
    assert "\u0092" in missing_characters(SAMPLES[2])  # a C1 control is drawn as a box whatever the face


def test_text_in_the_shipped_scripts_loads_no_installed_face():
    program = (
        "from bundler.render.glyph_coverage import covered_codepoints, missing_characters\n"
        f"assert missing_characters({SAMPLES[0] + SAMPLES[1]!r}) == ()\n"
        "print(covered_codepoints.cache_info().currsize)\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "0"
