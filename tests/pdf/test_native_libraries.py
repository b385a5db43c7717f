"""WeasyPrint's native libraries opened by their sonames, WeasyPrint's own lookup when one is missing."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="sonames are an ELF loader's names")

# A fresh interpreter each: WeasyPrint opens its libraries once, when first imported.
_PROBE = textwrap.dedent(
    """
    import ctypes.util, json, sys
    looked_up = []
    _find = ctypes.util.find_library
    def find_library(name):
        looked_up.append(name)
        return _find(name)
    ctypes.util.find_library = find_library
    from bundler.exporters.pdf import native
    sonames = json.loads(sys.argv[1])
    native.import_weasyprint({**native.SONAMES, **sonames} if sonames else None)  # the given names replaced
    import weasyprint
    pdf = weasyprint.HTML(string="<p>Text \u0627\u0644\u0646\u0635</p>").write_pdf()
    from weasyprint.text import ffi
    print(json.dumps({"looked_up": looked_up, "pdf": pdf.startswith(b"%PDF"), "units": ffi.TO_UNITS}))
    """
)


def _import_with(sonames: dict[str, str] | None) -> dict:
    done = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(sonames)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_libraries_open_by_soname_without_a_lookup():
    from bundler.exporters.pdf.native import SONAMES, _loadable

    result = _import_with(None)
    assert result["pdf"] and result["units"] == 1024
    for first_name, soname in SONAMES.items():
        if _loadable(soname):  # pango, harfbuzz, fontconfig, gobject are installed wherever the PDF tests run
            assert first_name not in result["looked_up"], (first_name, result["looked_up"])
    assert "pango-1.0" not in result["looked_up"] and "fontconfig" not in result["looked_up"]


def test_weasyprints_own_lookup_when_a_soname_does_not_open():
    missing = {"libpango-1.0-0": "libpango-1.0.so.999", "libfontconfig-1": "libbundler-no-such-library.so.1"}
    result = _import_with(missing)
    assert result["pdf"] and result["units"] == 1024
    # WeasyPrint's names for the two libraries were looked up in turn, as without bundler, and found
    assert "libpango-1.0-0" in result["looked_up"] and "pango-1.0" in result["looked_up"]
    assert "libfontconfig-1" in result["looked_up"] and "fontconfig" in result["looked_up"]
    assert "gobject-2.0" not in result["looked_up"]  # the others still by their sonames
