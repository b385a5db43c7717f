"""Characters in the manifest that no edition can hold, reported with their line and key.

YAML's escapes let a manifest write ``"\\0"`` or ``"\\x1b"`` into a title; ``bundler check`` passed
such a manifest and ``bundler build`` then stopped at the cover page with an XHTML error that named
neither the manifest nor the key. The same characters are refused here, where they were written.
"""

from __future__ import annotations

import re

import yaml

from bundler.errors import Problem

#: What no XML document may hold (C0 controls but tab and line ends, U+FFFE, U+FFFF, lone surrogates), and DEL
#: and the C1 controls, which XML allows but no font draws (a PDF/A edition refuses them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def find_unwritable_characters(root: yaml.Node, file: str) -> list[Problem]:
    """One problem per value (or key) holding a character no edition can hold."""
    found: list[Problem] = []
    seen: set[int] = set()
    pending: list[tuple[yaml.Node, str]] = [(root, "")]
    while pending:  # a loop, not recursion: the manifest may be nested as deep as YAML allows
        node, key = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in reversed(node.value):
                name = str(key_node.value)
                pending += [(value_node, f"{key}.{name}" if key else name), (key_node, key)]
        elif isinstance(node, yaml.SequenceNode):
            pending += [(item, f"{key}[{index}]") for index, item in reversed(list(enumerate(node.value)))]
        elif isinstance(node, yaml.ScalarNode) and isinstance(node.value, str):
            bad = _NOT_XML.search(node.value)
            if bad:
                found.append(
                    Problem(
                        f"holds the control character U+{ord(bad.group()):04X}, which no edition can hold",
                        code="E833",
                        file=file,
                        line=node.start_mark.line + 1,
                        key=key,
                        hint="remove it (a YAML escape such as \\0, \\x1b or \\a writes one)",
                    )
                )
    return found
