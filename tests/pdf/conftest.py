"""PDF editions built once per session, with WeasyPrint's log captured through the build report."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bundler.errors import Report
from bundler.exporters import context_for, formats
from bundler.model import Dossier, Edition
from tests.kitchen_sink import make_kitchen_sink
from tests.validators import validator

EPOCH = "1462838400"  # 2016-05-10T00:00:00Z


@dataclass
class Built:
    """One dossier's PDF editions: format name -> path, and every warning the exporters reported."""

    dossier: Dossier
    paths: dict[str, Path] = field(default_factory=dict)
    report: Report = field(default_factory=Report)


def build_editions(dossier: Dossier, folder: Path, names: list[str], options: dict | None = None) -> Built:
    """Write each named edition of ``dossier`` into ``folder``."""
    built = Built(dossier)
    for name in names:
        fmt = formats()[name]
        path = folder / fmt.filename(dossier.slug)
        edition = Edition(name, tuple(sorted((options or {}).items())))
        fmt.write(dossier, edition, path, context_for(edition, built.report))
        built.paths[name] = path
    return built


@pytest.fixture(scope="session")
def _epoch():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        yield


@pytest.fixture(scope="session")
def english(tmp_path_factory, _epoch) -> Built:
    """The kitchen-sink dossier (English root, one Arabic piece) in every PDF edition."""
    folder = tmp_path_factory.mktemp("pdf-en")
    dossier = make_kitchen_sink(folder / "collection")
    (folder / "collection" / "collection.yaml").write_text("title: Kitchen Sink Dossier\nlanguage: en\n", encoding="utf-8")
    return build_editions(dossier, folder, ["pdf", "pdf-phone", "pdf-booklet", "pdf-archive"])


@pytest.fixture(scope="session")
def arabic(tmp_path_factory, _epoch) -> Built:
    """The kitchen-sink dossier with an Arabic (right-to-left) root, print edition."""
    folder = tmp_path_factory.mktemp("pdf-ar")
    return build_editions(make_kitchen_sink(folder / "collection", language="ar"), folder, ["pdf"])


@pytest.fixture(scope="session")
def bilingual(tmp_path_factory, _epoch) -> Built:
    """The bilingual example collection (Arabic root, English pieces), print edition, built from its manifest."""
    from bundler.build.collection import build_collection
    from tests.conftest import COLLECTIONS

    collection = COLLECTIONS / "bilingual-sample"
    result = build_collection(collection, out_dir=tmp_path_factory.mktemp("pdf-bilingual"), format_names=["pdf"])
    return Built(result.dossier, {"pdf": result.outputs["pdf"]}, result.report)


def poppler(tool: str) -> str:
    """Path of a poppler-utils tool (``make test`` installs poppler-utils; the run fails without it)."""
    return validator(tool)


def pdftotext(path: Path, page: int, box: tuple[float, float, float, float] | None = None) -> str:
    """Text of one page (1-based), optionally only inside ``box`` = (x, y, width, height) in points."""
    command = [poppler("pdftotext"), "-f", str(page), "-l", str(page), "-r", "72"]
    if box:
        command += ["-x", str(int(box[0])), "-y", str(int(box[1])), "-W", str(int(box[2])), "-H", str(int(box[3]))]
    result = subprocess.run([*command, str(path), "-"], capture_output=True, text=True, check=True, timeout=60)
    return result.stdout
