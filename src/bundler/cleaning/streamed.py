"""Pages streamed in parts (React server rendering): put each late part where the browser shows it.

A server that streams a page sends the parts not ready at first at the end of the body, each a
``<div hidden id="S:n">``, and an inline script moves it into place: into the
``<template id="P:n">`` placeholder of the same number, or where ``<template id="B:n">`` marks a
part still loading. An offline reader runs no script (and saved pages often lose the scripts),
so those parts stayed hidden and were dropped as hidden furniture: whole sections of the
article. Here they are moved into place by their ids, which is what the script does.
"""

from __future__ import annotations

import re

_SEGMENT_ID = re.compile(r"S:([0-9a-f]+)")


def reassemble_streamed(tree) -> int:
    """Move every hidden streamed part into its placeholder; returns how many were moved.

    A part whose placeholder is missing is left where it is (still hidden): nothing is guessed.
    """
    segments = [s for s in tree.iter("div") if s.get("hidden") is not None and _SEGMENT_ID.fullmatch(s.get("id") or "")]
    if not segments:
        return 0
    templates = {t.get("id"): t for t in tree.iter("template") if t.get("id")}
    moved = 0
    for segment in segments:
        number = _SEGMENT_ID.fullmatch(segment.get("id")).group(1)
        placeholder = templates.get(f"P:{number}")
        boundary = templates.get(f"B:{number}")
        target = placeholder if placeholder is not None else boundary
        if target is None or target.getparent() is None or _inside(target, segment):
            continue
        _move_children(segment, target, replace=target is placeholder)
        moved += 1
    return moved


def _inside(element, container) -> bool:
    return any(a is container for a in element.iterancestors())


def _move_children(segment, target, replace: bool) -> None:
    """Put ``segment``'s content just before ``target`` (and drop a placeholder it replaces)."""
    parent = target.getparent()
    index = parent.index(target)
    if segment.text and segment.text.strip():
        previous = target.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + segment.text
        else:
            parent.text = (parent.text or "") + segment.text
    for offset, child in enumerate(list(segment)):
        parent.insert(index + offset, child)
    if segment.getparent() is not None:
        segment.getparent().remove(segment)
    if replace:
        tail = target.tail
        previous = target.getprevious()
        if tail and tail.strip() and previous is not None:
            previous.tail = (previous.tail or "") + tail
        parent.remove(target)
