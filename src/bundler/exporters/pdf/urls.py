"""URLs on paper break only after a slash: never at a hyphen, never hyphenated.

A source line or a colophon entry prints its URL in full. Left to the line breaker, a URL
breaks wherever Unicode allows (after a hyphen, so ``long-path`` reads as a hyphenated word,
and hyphenation adds hyphens that are not in the address). Each run of a URL up to and
including a slash is set in an unbreakable span (``url-part`` in ``styles/pdf.css``); the
line may break between spans, that is right after a slash. Nothing is added to the text (no
zero-width spaces, no non-breaking hyphens), so a URL copied from the PDF is the address.
"""

from __future__ import annotations

import re

#: A text node that is one URL, nothing else (link text, a source line's address).
_URL_TEXT = re.compile(r">(https?://[^<\s]+)<")
#: A run of a URL ending with its slashes, or its last run.
_URL_PART = re.compile(r"[^/]*/+|[^/]+")


def breakable_urls(markup: str) -> str:
    """``markup`` with every URL text node split into unbreakable parts that end at a slash."""
    return _URL_TEXT.sub(lambda match: ">" + _parts(match.group(1)) + "<", markup)


def _parts(url: str) -> str:
    return "".join(f'<span class="url-part">{part}</span>' for part in _URL_PART.findall(url))
