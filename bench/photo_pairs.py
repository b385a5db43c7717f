"""Before/after photo pairs at a device profile's size, for a reader to judge by eye.

For each photo of the benchmark corpus (``bench/corpus.py``) and each device profile asked
for: the photo at the size the profile delivers it, losslessly (before), and the JPEG the
edition embeds (after), side by side in one PNG at one image pixel per screen pixel: a crop
of each from the same place (the busiest 512-pixel square, where JPEG loss shows first) and the
whole photo below. Also an ``index.html`` to page through them, and a table (stdout and
``pairs.tsv``) of each photo's chosen quality, bytes, SSIM as the profile measures it, and the
bytes the old fixed policy (≤ 1600 px, quality 80, ≤ 400 KB) gave.

    python bench/photo_pairs.py                          # eink, first 12 photos of corpus-200
    python bench/photo_pairs.py --device phone --device tablet --limit 24

Look at the pairs on the device, or at 100% zoom on a screen of similar density: the SSIM
target is right when you cannot tell which side is which. Written to ``bench/out/photo-pairs/``
(git-ignored).
"""

from __future__ import annotations

import argparse
import html
import io
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageOps, ImageStat

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import OUTPUT, write_corpus  # noqa: E402

from bundler.images import ImagePolicy, prepare_image  # noqa: E402
from bundler.images.devices import DEVICES  # noqa: E402
from bundler.images.perceptual import seen_at, ssim  # noqa: E402
from bundler.images.policy import device_policy  # noqa: E402
from bundler.images.shrink import jpeg_shrinker, shrinks_with_vips  # noqa: E402

OUT = Path(__file__).resolve().parent / "out" / "photo-pairs"
CROP = 512
GAP = 16


def delivered_reference(data: bytes, size: tuple[int, int]) -> Image.Image:
    """The photo upright at ``size``, resampled as the edition resamples it, never compressed: the 'before'."""
    with Image.open(io.BytesIO(data)) as opened:
        orientation = opened.getexif().get(0x0112, 1)
        if shrinks_with_vips(opened, 0.5):
            return jpeg_shrinker(data, opened, orientation)(size).convert("RGB")
        upright = ImageOps.exif_transpose(opened).convert("RGB")
        return upright if upright.size == size else upright.resize(size, Image.Resampling.BICUBIC)


def busiest_square(image: Image.Image, side: int) -> tuple[int, int, int, int]:
    """The ``side``-pixel square (on a coarse grid) with the most edge energy: where compression loss shows first."""
    side = min(side, image.width, image.height)
    edges = image.convert("L").filter(ImageFilter.FIND_EDGES)
    best, box = -1.0, (0, 0, side, side)
    step = max(1, side // 2)
    for top in range(0, image.height - side + 1, step):
        for left in range(0, image.width - side + 1, step):
            candidate = (left, top, left + side, top + side)
            energy = ImageStat.Stat(edges.crop(candidate)).mean[0]
            if energy > best:
                best, box = energy, candidate
    return box


def quality_of(data: bytes) -> int:
    """The JPEG quality whose luminance table the file carries (Pillow's standard tables), 0 if none matches."""
    with Image.open(io.BytesIO(data)) as opened:
        table = opened.quantization[0]
    probe = Image.new("L", (8, 8))
    for quality in range(1, 101):
        buffer = io.BytesIO()
        probe.save(buffer, "JPEG", quality=quality)
        with Image.open(buffer) as made:
            if made.quantization[0] == table:
                return quality
    return 0


def write_pair(before: Image.Image, after: Image.Image, label: str, path: Path) -> None:
    """Crops side by side on top, the whole photos side by side below, labelled."""
    box = busiest_square(before, CROP)
    crop_w, crop_h = box[2] - box[0], box[3] - box[1]
    width = max(2 * crop_w, 2 * before.width) + GAP
    height = 28 + crop_h + GAP + before.height
    sheet = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(sheet)
    draw.text((4, 6), f"{label}    left: before (lossless at the delivered size)    right: after (the edition's JPEG)", fill=(0, 0, 0))
    sheet.paste(before.crop(box), (0, 28))
    sheet.paste(after.crop(box), (crop_w + GAP, 28))
    sheet.paste(before, (0, 28 + crop_h + GAP))
    sheet.paste(after, (before.width + GAP, 28 + crop_h + GAP))
    sheet.save(path, "PNG", optimize=False, compress_level=3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pieces", type=int, default=200, help="which corpus: bench/output/corpus-N (written if missing)")
    parser.add_argument("--device", action="append", choices=sorted(DEVICES), help="repeatable; default eink")
    parser.add_argument("--limit", type=int, default=12, help="how many photos (evenly spread over the corpus)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    root = OUTPUT / f"corpus-{args.pieces}"
    if not (root / "collection.yaml").is_file():
        write_corpus(args.pieces)
    photos = sorted((root / "html" / "photos").glob("*.jpg"))
    photos = photos[:: max(1, len(photos) // args.limit)][: args.limit]
    old = ImagePolicy(max_side=1600, max_megapixels=2.5, max_bytes=400_000, jpeg_quality=80)
    rows = [("device", "photo", "source px", "delivered px", "quality", "KB", "old policy KB", "SSIM (as measured)", "target")]
    for name in args.device or ["eink"]:
        device = DEVICES[name]
        policy = device_policy(device)
        folder = args.out / name
        folder.mkdir(parents=True, exist_ok=True)
        cards = []
        for photo in photos:
            data = photo.read_bytes()
            prepared = prepare_image(data, policy)
            before = delivered_reference(data, (prepared.width, prepared.height))
            with Image.open(io.BytesIO(prepared.data)) as decoded:
                after = decoded.convert("RGB")
            scale = device.view_scale
            measured = ssim(
                seen_at(np.asarray(before.convert("L"), dtype=np.float32), scale),
                seen_at(np.asarray(after.convert("L"), dtype=np.float32), scale),
            )
            quality = quality_of(prepared.data)
            old_bytes = len(prepare_image(data, old).data)
            with Image.open(photo) as source:
                source_size = source.size
            label = f"{name}: {photo.name}, {prepared.width}x{prepared.height}, q{quality}, {len(prepared.data) // 1000} KB, SSIM {measured:.4f}"
            pair = folder / f"{photo.stem}-pair.png"
            write_pair(before, after, label, pair)
            cards.append(
                f'<figure><img src="{pair.name}" alt="{html.escape(label)}"><figcaption>{html.escape(label)}</figcaption></figure>'
            )
            rows.append(
                (
                    name,
                    photo.name,
                    f"{source_size[0]}×{source_size[1]}",
                    f"{prepared.width}×{prepared.height}",
                    str(quality),
                    f"{len(prepared.data) / 1000:.0f}",
                    f"{old_bytes / 1000:.0f}",
                    f"{measured:.4f}",
                    f"{device.ssim_target}",
                )
            )
        page = (
            f"<!doctype html><meta charset=utf-8><title>{name} pairs</title>"
            "<style>img{image-rendering:pixelated;max-width:none}figure{margin:0 0 2em}</style>"
            f"<h1>{html.escape(device.description)}</h1><p>SSIM target {device.ssim_target} on luminance at 1/{device.view_scale} "
            "resolution; view at 100% (one image pixel per screen pixel).</p>" + "\n".join(cards)
        )
        (folder / "index.html").write_text(page, encoding="utf-8")
    table = "\n".join("\t".join(row) for row in rows)
    (args.out / "pairs.tsv").write_text(table + "\n", encoding="utf-8")
    print(table)
    print(f"\npairs written to {args.out}")


if __name__ == "__main__":
    main()
