"""One catalogue of problem codes: every code used in src/ is catalogued, every raise names one.

The source is scanned as text and as Python syntax trees, so a new ``raise`` or warning
without a catalogued code fails here rather than reaching a user as an unexplained code.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from bundler.codes import CODES, NOTE, UNCODED_WARNING, coded, markdown_table, readme_with_table, severity, split_coded
from bundler.model import Piece, Provenance, piece_from_data, to_data

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "bundler"
CODE = re.compile(r"\b[EWMN]\d{3}\b")
#: Exception classes whose instances reach the user; each raise must name a code.
USER_ERRORS = {"BundlerError", "ImportError_", "ManifestError", "ExportError", "Problem"}


def source_files() -> list[Path]:
    return sorted(SOURCE.rglob("*.py"))


def string_constants(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string literal in a module, f-string parts included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(node.lineno, node.value) for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def codes_used() -> dict[str, list[str]]:
    """Code -> the places (module:line) that use it, outside the catalogue itself."""
    used: dict[str, list[str]] = {}
    for path in source_files():
        if path.name == "codes.py":
            continue
        for line, text in string_constants(path):
            for code in CODE.findall(text):
                used.setdefault(code, []).append(f"{path.relative_to(ROOT)}:{line}")
    return used


def test_every_code_used_in_src_is_catalogued():
    unknown = {code: places for code, places in codes_used().items() if code not in CODES}
    assert not unknown, f"codes used but not in bundler/codes.py: {unknown}"


def test_every_catalogued_code_is_used():
    unused = set(CODES) - set(codes_used()) - {UNCODED_WARNING}
    assert not unused, f"catalogued codes nothing raises or warns with: {sorted(unused)}"


def test_code_letters_match_their_severity():
    wrong = {
        code: entry.severity
        for code, entry in CODES.items()
        if {"E": "error", "M": "error", "W": "warning", "N": NOTE}[code[0]] != entry.severity
    }
    assert not wrong


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _receiver(node: ast.Call) -> str:
    func = node.func
    return ast.unparse(func.value) if isinstance(func, ast.Attribute) else ""


def _is_coded(argument: ast.expr) -> bool:
    return isinstance(argument, ast.Call) and _call_name(argument) in {"coded", "Problem"}


def uncoded_sites() -> list[str]:
    """Raises and warnings that name no code: user errors, manifest problems, report and importer warnings."""
    missing: list[str] = []
    for path in source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name, keywords = _call_name(node), {k.arg for k in node.keywords}
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if name in USER_ERRORS and path.name != "errors.py" and not keywords & {"code", "problems", None} and len(node.args) < 2:
                missing.append(where)
            elif isinstance(node.func, ast.Name) and name == "problem" and len(node.args) < 4 and "code" not in keywords:
                missing.append(where)
            elif name == "warn" and _receiver(node).endswith("report") and len(node.args) < 2 and "code" not in keywords:
                missing.append(where)
            elif name == "append" and _receiver(node).endswith("warnings") and not _is_coded(node.args[0]):
                missing.append(where)  # an importer warning stored on the piece: "CODE: message" via coded()
    return missing


def test_every_user_error_and_report_warning_names_a_code():
    assert uncoded_sites() == []


def test_the_collisions_are_gone():
    """E020, E021 and M022 each meant two things; each now means one."""
    used = codes_used()
    assert all("executor" in place for place in used["E020"] + used["E021"])
    assert all("checks.py" in place for place in used["M022"])
    assert any("schema.py" in place for place in used["M025"])


def test_readme_table_is_the_catalogue():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme
    assert readme_with_table(readme) == readme, "run `make codes` to regenerate the README's table"


def test_readme_cites_only_catalogued_codes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert set(CODE.findall(readme)) <= set(CODES)


def test_coded_warnings_round_trip_and_old_ones_read_as_w100():
    assert split_coded(coded("W131", "12 words kept")) == ("W131", "12 words kept")
    assert split_coded("no article text found on the page") == ("W100", "no article text found on the page")
    assert severity("N142") == NOTE and severity("Z999") == "warning"


def test_a_piece_json_with_uncoded_warnings_still_loads():
    """A piece written before codes existed keeps its warnings, read as W100."""
    old = to_data(Piece(title="Old", provenance=Provenance(warnings=("repaired mis-decoded characters (mojibake)",))))
    piece = piece_from_data(old)
    assert [split_coded(w) for w in piece.provenance.warnings] == [("W100", "repaired mis-decoded characters (mojibake)")]


def test_the_cli_prints_the_code_of_every_error(tmp_path):
    import subprocess
    import sys

    def stderr_of(*args: str) -> str:
        result = subprocess.run([sys.executable, "-m", "bundler", *args], capture_output=True, text=True, timeout=120, check=False)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        return result.stderr

    assert stderr_of("check", str(tmp_path / "nowhere")).startswith("error: M001 ")
    assert stderr_of("build", str(tmp_path), "--format", "epbu").startswith("error: E010 unknown format 'epbu' (did you mean 'epub'?)")
