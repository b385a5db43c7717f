"""``wrap_mixed_runs`` skips the paragraph walk only where it could not have wrapped anything."""

from __future__ import annotations

from lxml import etree

from bundler.text import bidi

XHTML = "http://www.w3.org/1999/xhtml"


def _tree(body: str, direction: str = "ltr") -> etree._Element:
    return etree.fromstring(f'<html xmlns="{XHTML}" dir="{direction}"><body><div><p>{body}</p></div></body></html>')


def _wrapped(root: etree._Element) -> str:
    bidi.wrap_mixed_runs(root)
    return etree.tostring(root, encoding="unicode")


def test_latin_only_document_is_left_as_it_was_and_its_controls_stripped():
    root = _tree("Plain text, \u202bno\u202c runs (<b>bold</b>).")
    assert not bidi._may_hold_runs(root, etree.tostring(root, encoding="unicode"))
    assert "\u202b" not in _wrapped(root) and "<span" not in etree.tostring(root, encoding="unicode")


def test_an_arabic_letter_anywhere_means_the_paragraphs_are_walked():
    root = _tree("The word في الحي <!-- a comment --> inside.")
    assert bidi._may_hold_runs(root, etree.tostring(root, encoding="unicode"))
    assert 'dir="rtl"' in _wrapped(root)


def test_latin_text_under_a_right_to_left_element_above_the_root_is_wrapped():
    root = _tree("Example Relief", direction="rtl")
    paragraph = root.find(f".//{{{XHTML}}}div")  # dir="rtl" is on an ancestor of the subtree wrapped
    assert bidi._may_hold_runs(paragraph, etree.tostring(paragraph, encoding="unicode"))
    bidi.wrap_mixed_runs(paragraph)
    assert 'dir="ltr"' in etree.tostring(paragraph, encoding="unicode")


def test_same_result_as_walking_every_paragraph(monkeypatch):
    bodies = ["Only Latin here.", "Arabic خبز in English.", 'A <span dir="rtl">Latin inside rtl</span> span.']
    for body in bodies:
        fast = _wrapped(_tree(body))
        monkeypatch.setattr(bidi, "_may_hold_runs", lambda root, markup: True)
        assert _wrapped(_tree(body)) == fast
        monkeypatch.undo()


def test_controls_in_attributes_and_tails_are_stripped_in_a_latin_document():
    root = _tree('<a title="\u202ex\u202c" href="#a">link</a>\u202a tail')
    _wrapped(root)
    assert not bidi._CONTROLS.search(etree.tostring(root, encoding="unicode"))
