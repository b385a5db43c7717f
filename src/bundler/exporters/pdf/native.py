"""WeasyPrint's import with its native libraries opened by their sonames.

WeasyPrint (``weasyprint.text.ffi``) opens pango, harfbuzz, fontconfig and gobject with
``cffi``'s ``dlopen`` under several names in turn (Windows', macOS' and Linux' spellings). A
name that is not a file the dynamic loader finds goes to ``ctypes.util.find_library``, which
runs ``ldconfig -p`` and, when that does not list it, ``gcc`` and ``ld``: 54 subprocesses
and ≈0.25 CPU s in every process that imports WeasyPrint (every PDF build), before a library
is found under its third or fourth name. On an ELF system each library has one known soname
that the loader opens directly.

``import_weasyprint`` imports WeasyPrint with cffi's ``dlopen`` answering WeasyPrint's first
name for a library by that soname when the loader has it; when it does not (another system,
another major version, an optional library not installed), the call goes on as WeasyPrint
made it, and WeasyPrint's own lookup of its other names follows unchanged.
"""

from __future__ import annotations

import ctypes
import sys
import threading

#: WeasyPrint's first name for each library it opens → the library's soname on Linux.
SONAMES: dict[str, str] = {
    "libgobject-2.0-0": "libgobject-2.0.so.0",
    "libpango-1.0-0": "libpango-1.0.so.0",
    "libharfbuzz-0": "libharfbuzz.so.0",
    "libharfbuzz-subset-0": "libharfbuzz-subset.so.0",
    "libharfbuzz-vector-0": "libharfbuzz-vector.so.0",
    "libfontconfig-1": "libfontconfig.so.1",
    "libpangoft2-1.0-0": "libpangoft2-1.0.so.0",
}

_LOCK = threading.Lock()


def import_weasyprint(sonames: dict[str, str] | None = None) -> None:
    """Import WeasyPrint in this process (once), its libraries opened by ``sonames`` (default ``SONAMES``) first."""
    if "weasyprint" in sys.modules:
        return
    with _LOCK:
        if "weasyprint" in sys.modules:
            return
        if not sys.platform.startswith("linux"):
            import weasyprint  # noqa: F401

            return
        import cffi

        original = cffi.FFI.dlopen
        names = SONAMES if sonames is None else sonames

        def dlopen(ffi, name, flags=0):
            soname = names.get(name) if isinstance(name, str) else None
            if soname and _loadable(soname):
                return original(ffi, soname, flags)
            return original(ffi, name, flags)

        cffi.FFI.dlopen = dlopen
        try:
            import weasyprint  # noqa: F401
        finally:
            cffi.FFI.dlopen = original


def _loadable(soname: str) -> bool:
    """The dynamic loader opens ``soname`` (a bare ``dlopen``: no ``find_library`` when it cannot)."""
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True
