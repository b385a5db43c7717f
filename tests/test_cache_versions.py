"""The libraries' versions in cache keys and build records, read from the dist-info folders' names, are importlib's."""

from __future__ import annotations

from importlib import metadata

from bundler.resources import RENDERING_LIBRARIES, _dist_info_versions, _distribution_key, installed_versions


def test_every_installed_distribution_has_importlibs_version():
    names = sorted({dist.metadata["Name"] for dist in metadata.distributions()})
    assert len(names) > 50  # the whole environment, not a handful
    found = installed_versions(tuple(names))
    assert found == {name: metadata.version(name) for name in names}
    # and the folder listing itself answers (not importlib behind it): every name it knows, rightly
    listed = _dist_info_versions()
    known = [name for name in names if _distribution_key(name) in listed]
    assert len(known) >= 0.9 * len(names)
    assert all(listed[_distribution_key(name)] == metadata.version(name) for name in known)


def test_names_are_matched_as_pip_matches_them_and_missing_ones_are_none():
    spelled = installed_versions(("jinja2", "JINJA2", "Jinja2", "lxml-html-clean", "lxml_html_clean", "no-such-distribution-here"))
    assert spelled["jinja2"] == spelled["JINJA2"] == spelled["Jinja2"] == metadata.version("Jinja2")
    assert spelled["lxml-html-clean"] == spelled["lxml_html_clean"]
    assert spelled["no-such-distribution-here"] is None
    assert installed_versions(RENDERING_LIBRARIES)["weasyprint"] == metadata.version("weasyprint")
