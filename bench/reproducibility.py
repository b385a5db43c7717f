"""Same collection and SOURCE_DATE_EPOCH, one condition changed at a time: are all the bytes the same?

Each variant copies the collection to a fresh folder (so its cache starts cold unless the
variant says otherwise), builds the formats given and a BagIt bag (a folder and a ``.zip``)
in a ``bundler`` subprocess, and records the SHA-256 of every output file, the mode of every
file in the bag folder and the modes stored in every zip (EPUB, kepub, the zipped bag). The
table compares each variant with the baseline (``--jobs 2``, ``LC_ALL=C.UTF-8``, umask 022,
``PYTHONHASHSEED=0``, a plain ASCII path, cold cache).

    PYTHONPATH=src python bench/reproducibility.py collections/aleppo-2016 --work /tmp/r19
    PYTHONPATH=src python bench/reproducibility.py /tmp/corpus-40 --formats epub,pdf,html --variants jobs1,jobs4

Variants: jobs1, jobs4 (worker count), lang-c, lang-ar, lang-tr (locales present on the
machine), umask077, hashseed (another ``PYTHONHASHSEED``), path (spaces and Arabic letters
in the collection's path), order (files created in reverse order, so directory listings
differ), warm (a second build in the same folder, cache warm).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ALL_FORMATS = "epub,pdf,pdf-phone,pdf-booklet,epub-text,pdf-archive,html,html-text,kepub,zim"
EPOCH = "1462838400"


@dataclass(frozen=True)
class Variant:
    """One condition changed from the baseline."""

    name: str
    env: dict[str, str] = field(default_factory=dict)
    jobs: int = 2
    umask: int = 0o022
    folder: str = "plain"
    reverse_order: bool = False
    builds: int = 1  # 2: the second build, in the same folder, is the one measured (warm cache)


VARIANTS = {
    "base": Variant("base"),
    "jobs1": Variant("jobs1", jobs=1),
    "jobs4": Variant("jobs4", jobs=4),
    "lang-c": Variant("lang-c", env={"LC_ALL": "C", "LANG": "C"}),
    "lang-ar": Variant("lang-ar", env={"LC_ALL": "ar_SY.UTF-8", "LANG": "ar_SY.UTF-8"}),
    "lang-tr": Variant("lang-tr", env={"LC_ALL": "tr_TR.UTF-8", "LANG": "tr_TR.UTF-8"}),
    "umask077": Variant("umask077", umask=0o077),
    "hashseed": Variant("hashseed", env={"PYTHONHASHSEED": "4242"}),
    "path": Variant("path", folder="مجلد التجربة/with spaces"),
    "order": Variant("order", reverse_order=True),
    "warm": Variant("warm", builds=2),
}


def copy_collection(source: Path, target: Path, reverse_order: bool) -> None:
    """Copy ``source`` to ``target`` without its cache or outputs; ``reverse_order`` creates every entry in reverse name order."""
    skip = {".cache", "dist", "bags"}
    entries = sorted(p for p in source.rglob("*") if not set(p.relative_to(source).parts) & skip)
    target.mkdir(parents=True)
    folders = [p for p in entries if p.is_dir()]
    files = [p for p in entries if p.is_file()]
    for path in reversed(folders) if reverse_order else folders:
        (target / path.relative_to(source)).mkdir(parents=True, exist_ok=True)
    for path in reversed(files) if reverse_order else files:
        shutil.copy2(path, target / path.relative_to(source))


def run_bundler(args: list[str], variant: Variant, cwd: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "PYTHONHASHSEED": "0", **variant.env}
    env.pop("BUNDLER_CACHE_DIR", None)
    if env.get("PYTHONPATH"):  # the build runs in another folder: PYTHONPATH=src must still mean this tree's
        env["PYTHONPATH"] = os.pathsep.join(str(Path(part).resolve()) for part in env["PYTHONPATH"].split(os.pathsep))
    done = subprocess.run(
        [sys.executable, "-m", "bundler", "--quiet", *args, "--jobs", str(variant.jobs)]
        if args[0] == "build"
        else [sys.executable, "-m", "bundler", "--quiet", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=lambda: os.umask(variant.umask),
    )
    if done.returncode != 0:
        raise SystemExit(f"{variant.name}: bundler {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")


def zip_modes(path: Path) -> list[str]:
    """``name mode date`` for each member of a zip file (what an unzip restores)."""
    with zipfile.ZipFile(path) as archive:
        return [f"{i.filename} {i.external_attr >> 16:o} {i.date_time} {i.create_system}" for i in archive.infolist()]


def measure(collection: Path, variant: Variant, formats: str, work: Path) -> dict[str, str]:
    """Copy, build and bag under ``variant``; every output's SHA-256 and the modes it stores or has."""
    place = work / variant.name / variant.folder
    if place.exists():
        shutil.rmtree(work / variant.name)
    copy = place / collection.name
    copy_collection(collection, copy, variant.reverse_order)
    out, bags = place / "out", place / "bags"
    for _ in range(variant.builds):
        run_bundler(["build", str(copy), "--format", formats, "--out", str(out)], variant, place)
    run_bundler(["bag", str(copy), "--out", str(bags)], variant, place)
    run_bundler(["bag", str(copy), "--out", str(bags), "--archive", "zip"], variant, place)
    found: dict[str, str] = {}
    for path in sorted([*out.rglob("*"), *bags.rglob("*")]):
        if not path.is_file():
            continue
        name = path.relative_to(place).as_posix()
        found[name] = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        found[name + " [mode]"] = f"{stat.S_IMODE(path.stat().st_mode):o}"
        if path.suffix in (".epub", ".zip"):
            found[name + " [zip modes]"] = hashlib.sha256("\n".join(zip_modes(path)).encode()).hexdigest()[:16]
    return found


def summary(base: dict[str, str], found: dict[str, str]) -> str:
    """What differs from the baseline: files' bytes and stored zip modes by name, on-disk modes as a count."""
    differing = sorted(k for k in base.keys() | found.keys() if base.get(k) != found.get(k))
    if not differing:
        return "identical"
    modes = [k for k in differing if k.endswith(" [mode]")]
    said = [k for k in differing if k not in modes]
    if modes:
        pairs = sorted({f"{base.get(k)}->{found.get(k)}" for k in modes})
        said.append(f"on-disk mode of {len(modes)} files ({', '.join(pairs)}; e.g. {modes[0]})")
    return "differ: " + "; ".join(said)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("collection", type=Path)
    parser.add_argument("--formats", default=ALL_FORMATS)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bundler-reproducibility"))
    parser.add_argument("--variants", default=",".join(v for v in VARIANTS if v != "base"))
    parser.add_argument("--json", type=Path, help="also write every variant's hashes here")
    args = parser.parse_args()
    collection = args.collection.resolve()
    work = args.work / collection.name
    base = measure(collection, VARIANTS["base"], args.formats, work)
    results = {"base": base}
    print(f"{collection.name}: {sum(1 for k in base if '[' not in k)} files in the baseline")
    for name in args.variants.split(","):
        found = measure(collection, VARIANTS[name], args.formats, work)
        results[name] = found
        print(f"  {name:10} {summary(base, found)}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
