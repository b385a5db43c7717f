"""The image stage alone: every corpus photo under one policy through the stage's own pool; wall and CPU of the process tree.

    python bench/image_stage_cpu.py --policy eink        # all 261 photos of corpus-200, one worker per core

Measures what ``bench/image_speed.py`` (one process, no pool) does not: the workers' start,
their imports, the order of the jobs and the pool's tail. CPU is the whole process tree's
(the fork server's workers too), sampled like ``pdf_timeline.py`` does, so run it back to back
with the code it is compared with (``PYTHONPATH=<old src>``) on a shared machine.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pieces", type=int, default=200, help="which corpus: bench/output/corpus-N")
    parser.add_argument("--policy", choices=["eink", "print", "phone"], default="eink")
    parser.add_argument("--executor", default=None, help="'serial' for one process")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    from pdf_timeline import TreeCpu

    from bundler.build import image_stage
    from bundler.build.image_stage import WORKER_MODULES, ImageJob, prepare_one
    from bundler.executor import WorkOptions, map_in_order, open_executor, start_fork_server
    from bundler.images.policy import EPUB_POLICY, PHONE_POLICY, PRINT_POLICY

    policy = {"eink": EPUB_POLICY, "print": PRINT_POLICY, "phone": PHONE_POLICY}[args.policy].effective()
    photos = sorted((ROOT / "bench" / "output" / f"corpus-{args.pieces}" / "html" / "photos").glob("*.jpg"))
    if not photos:
        print(f"no photos: run python bench/corpus.py --pieces {args.pieces} first", file=sys.stderr)
        return 1
    cache = Path(tempfile.mkdtemp(prefix="bundler-stage-cpu-"))
    work = WorkOptions(executor=args.executor)
    start_fork_server(work, WORKER_MODULES)  # as a build does, during its import stage
    time.sleep(1.5)
    tree = TreeCpu(0.2)
    cpu, start = tree.sample(), time.time()
    jobs = [ImageJob(str(photo), policy, cache) for photo in photos]
    ordered = getattr(image_stage, "largest_first", lambda jobs: jobs)(jobs)  # older code: corpus order
    with open_executor(work, len(jobs), preload=WORKER_MODULES) as executor:
        map_in_order(executor, prepare_one, ordered)
    wall, cpu = time.time() - start, tree.stop() - cpu
    print(f"{args.policy}: {len(jobs)} photos, wall {wall:.2f} s, CPU {cpu:.2f} s, {cpu / len(jobs) * 1000:.1f} ms CPU a photo")
    shutil.rmtree(cache, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
