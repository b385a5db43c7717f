"""Every corpus photo prepared under every device profile: its digest, bytes and size, and the CPU it took.

The check that a change to the image stage keeps the same photos: run it before and after
(``PYTHONPATH`` at the old sources for "before") and compare the two files.

    python bench/photo_digests.py /tmp/before.json                 # all 261 photos, e-ink, phone, tablet, print
    python bench/photo_digests.py /tmp/after.json --compare /tmp/before.json

One process, photos in corpus order; CPU seconds are this process's, so load elsewhere on the
machine does not inflate them much (cache and memory contention still do: compare runs made
back to back).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def profiles() -> dict[str, object]:
    """The policies the editions use: e-ink (EPUB), phone (HTML, phone PDF), tablet, print (200 ppi PDF), archive (300 ppi)."""
    from bundler.images.devices import TABLET
    from bundler.images.policy import ARCHIVE_POLICY, EPUB_POLICY, PHONE_POLICY, PRINT_POLICY, device_policy

    return {"eink": EPUB_POLICY, "phone": PHONE_POLICY, "tablet": device_policy(TABLET), "print": PRINT_POLICY, "archive": ARCHIVE_POLICY}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--pieces", type=int, default=200)
    parser.add_argument("--profile", action="append", help="repeatable; default all")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--compare", type=Path, help="a file written before: list the photos whose bytes differ")
    args = parser.parse_args(argv)
    from bundler.images import prepare_image

    photos = sorted((ROOT / "bench" / "output" / f"corpus-{args.pieces}" / "html" / "photos").glob("*.jpg"))
    photos = photos[: args.limit] if args.limit else photos
    sources = {p.name: p.read_bytes() for p in photos}
    chosen = {name: policy for name, policy in profiles().items() if not args.profile or name in args.profile}
    result: dict[str, dict] = {}
    for name, policy in chosen.items():
        prepare_image(next(iter(sources.values())), policy)  # modules and libraries loaded before the clock starts
        rows, cpu = {}, time.process_time()
        for photo, data in sources.items():
            prepared = prepare_image(data, policy)
            rows[photo] = [hashlib.sha256(prepared.data).hexdigest()[:16], len(prepared.data), prepared.width, prepared.height]
        cpu = time.process_time() - cpu
        result[name] = {"cpu_ms_per_photo": round(cpu / len(sources) * 1000, 2), "photos": rows}
        print(
            f"{name:<8} {len(rows)} photos  {cpu / len(sources) * 1000:6.1f} ms CPU a photo  {sum(r[1] for r in rows.values()) / 1e6:.2f} MB"
        )
    args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    if args.compare:
        before = json.loads(args.compare.read_text(encoding="utf-8"))
        for name, now in result.items():
            old = before.get(name, {}).get("photos", {})
            changed = [photo for photo, row in now["photos"].items() if old.get(photo) and old[photo][0] != row[0]]
            ratio = now["cpu_ms_per_photo"] / before[name]["cpu_ms_per_photo"] if name in before else float("nan")
            print(f"{name:<8} {len(changed)} of {len(now['photos'])} differ; CPU after/before {ratio:.2f}")
            for photo in changed:
                print(f"    {photo}: {old[photo]} -> {now['photos'][photo]}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())
