"""trafilatura's metadata reader, asked only for the fields the page did not state.

``trafilatura.extract_metadata`` reads everything: categories, tags, licence, the author (by
pruning a copy of the page), and the date through htmldate. ``cleaning.metadata`` uses at most
four of its fields, each only when the page did not state it, and the unused parts were half
of the reader's time on real pages. This module runs the same steps in the same order, with
the same inputs, but skips each step whose field is not wanted; the wanted fields come out
exactly as ``extract_metadata`` gives them. Should trafilatura's internals move, the full
reader is used instead.
"""

from __future__ import annotations

from bundler.cleaning.author_search import NO_MATCH, read_author
from bundler.cleaning.page_attributes import PageAttributes

#: The fields ``wanted`` may name (Document attributes).
FIELDS = frozenset({"title", "author", "sitename", "date"})


def read_fields(root, default_url: str | None, wanted: set[str], attributes: PageAttributes | None = None):
    """trafilatura's Document for ``root`` with at least the ``wanted`` fields filled as it fills them.

    ``attributes`` (of the same page) lets the author search be skipped on pages where it cannot match.
    """
    try:
        from htmldate import find_date
        from trafilatura.metadata import (
            META_URL,
            examine_meta,
            extract_meta_json,
            extract_sitename,
            extract_title,
            extract_url,
        )
        from trafilatura.settings import set_date_params
    except ImportError:  # trafilatura reorganised: ask it for everything
        from trafilatura import extract_metadata

        return extract_metadata(root, default_url=default_url, extensive=False)
    # the steps of trafilatura.metadata.extract_metadata (2.3), skipping the fields not wanted
    metadata = examine_meta(root)
    if metadata.author and " " not in metadata.author:
        metadata.author = None
    try:
        metadata = extract_meta_json(root, metadata)
    except Exception:  # noqa: S110 (trafilatura logs and goes on the same way)
        pass
    if "title" in wanted and not metadata.title:
        metadata.title = extract_title(root)
    if "author" in wanted and not metadata.author:
        author = read_author(root, attributes or PageAttributes(root))  # extract_author's answer, when it is asked
        if author is not NO_MATCH:
            metadata.author = author
    if not metadata.url:
        metadata.url = extract_url(root, default_url)
    if "date" in wanted:
        metadata.date = find_date(root, **{**set_date_params(False), "url": metadata.url})
    if "sitename" in wanted:
        if not metadata.sitename:
            metadata.sitename = extract_sitename(root)
        if metadata.sitename:
            metadata.sitename = metadata.sitename.lstrip("@")
            if metadata.sitename and "." not in metadata.sitename and not metadata.sitename[0].isupper():
                metadata.sitename = metadata.sitename.title()
        elif metadata.url:
            match = META_URL.match(metadata.url)
            if match:
                metadata.sitename = match[1]
    metadata.clean_and_trim()
    return metadata
