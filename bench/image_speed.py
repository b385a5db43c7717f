"""Seconds per photo for ``prepare_image`` on the benchmark corpus, single process, with a per-step breakdown.

Run: ``.venv/bin/python bench/image_speed.py --pieces 200`` (after ``python bench/corpus.py --pieces 200``).
Every photo is prepared once under each policy asked for (default: the EPUB policy), in this
process only, so the numbers do not depend on the pool or on other load spread over the cores.
The breakdown comes from cProfile (timed in CPU seconds of this process, so other load on the
machine does not inflate it) and sorts Pillow's C calls into decode, resize, encode and copy, and
libvips' one pass (decode and resample of JPEGs that must get smaller) into "libvips"; "search" is
the whole per-photo quality search (its trial encodes and decodes are also in encode and decode),
with the trials a photo took; time not listed is everything else (header parsing, metadata
stripping, hashing, Python).
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = {"decode": "decode", "resize": "resize", "reduce": "resize", "encode": "encode", "copy": "copy", "convert": "convert"}


def step_seconds(profile: cProfile.Profile) -> dict[str, float]:
    """Total internal time of Pillow's C methods, grouped by pipeline step."""
    totals: dict[str, float] = {}
    for (_file, _line, name), row in pstats.Stats(profile).stats.items():  # type: ignore[attr-defined]
        for key, step in STEPS.items():
            if f"'{key}' of 'ImagingCore'" in name or f"'{key}' of 'ImagingDecoder'" in name or f"'{key}' of 'ImagingEncoder'" in name:
                totals[step] = totals.get(step, 0.0) + row[2]
        if "vips_image_write_to_memory" in name:  # libvips evaluates its whole pipeline here
            totals["libvips"] = totals.get("libvips", 0.0) + row[2]
        if name == "choose_quality":
            totals["search"] = totals.get("search", 0.0) + row[3]
        if name == "trial_similarity":
            totals["trials"] = totals.get("trials", 0.0) + row[0]
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pieces", type=int, default=200, help="which corpus: bench/output/corpus-N")
    parser.add_argument("--policy", action="append", choices=["epub", "pdf", "pdf-phone"], help="repeatable; default epub")
    parser.add_argument("--limit", type=int, default=0, help="only the first N photos (0: all)")
    args = parser.parse_args(argv)
    from bundler.exporters import formats
    from bundler.images import prepare_image

    photos = sorted((ROOT / "bench" / "output" / f"corpus-{args.pieces}" / "html" / "photos").glob("*.jpg"))
    if args.limit:
        photos = photos[: args.limit]
    if not photos:
        print(f"no photos: run python bench/corpus.py --pieces {args.pieces} first", file=sys.stderr)
        return 1
    sources = [p.read_bytes() for p in photos]
    policies = [formats()[name].image_policy for name in (args.policy or ["epub"])]
    digest = hashlib.sha256()
    profile = cProfile.Profile(time.process_time)
    output_bytes = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    profile.enable()
    for policy in policies:
        for data in sources:
            prepared = prepare_image(data, policy)
            digest.update(prepared.data)
            output_bytes += len(prepared.data)
    profile.disable()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    count = len(sources) * len(policies)
    print(f"{len(sources)} photos ({sum(map(len, sources)) / 1e6:.0f} MB) x {len(policies)} policies, single process")
    print(f"total {elapsed:.2f} s wall, {cpu:.2f} s CPU (cProfile on), {cpu / count * 1000:.1f} ms CPU per photo")
    print(f"output {output_bytes / 1e6:.1f} MB, digest {digest.hexdigest()[:16]}")
    steps = step_seconds(profile)
    trials = steps.pop("trials", 0.0)
    for step, seconds in sorted(steps.items(), key=lambda item: -item[1]):
        print(f"  {step:<8}{seconds:>7.2f} s  {seconds / count * 1000:>6.1f} ms/photo")
    if trials:
        print(f"  quality search: {trials / count:.2f} trial encodes a photo")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
