"""Loaded by the image workers' fork server when ``pdf_timeline.py`` runs a build: each photo job's CPU, recorded.

The image stage's workers are forked from a fork server, not from the timed build, so they do not
inherit the timeline's wrappers; the build's timeline adds this module to the server's preload
list (``WORKER_MODULES``) and puts ``bench/`` on its ``PYTHONPATH``. Importing it replaces
``image_stage.prepare_one`` in the server, so every worker forked from it runs the wrapper (the
build pickles the job function by name). Records go to the file the timeline names in
``BUNDLER_TIMELINE_RECORDS``: the job's wall and CPU, and the worker's whole CPU so far (its
start and its waiting included), so the stage's CPU outside the jobs can be told apart.
"""

from __future__ import annotations

import json
import os
import time

from bundler.build import image_stage

_prepare_one = image_stage.prepare_one


def prepare_one(job):
    start, cpu = time.time(), time.process_time()
    try:
        return _prepare_one(job)
    finally:
        times, t0 = os.times(), float(os.environ["BUNDLER_TIMELINE_T0"])
        fields = {
            "kind": "step",
            "label": "image job",
            "pid": os.getpid(),
            "start": start - t0,
            "end": time.time() - t0,
            "cpu": time.process_time() - cpu,
            "children": 0.0,
            "detail": "",
            "process_cpu": times.user + times.system,
        }
        with open(os.environ["BUNDLER_TIMELINE_RECORDS"], "a", encoding="utf-8") as out:
            out.write(json.dumps(fields) + "\n")


prepare_one.__module__, prepare_one.__qualname__ = _prepare_one.__module__, _prepare_one.__qualname__
image_stage.prepare_one = prepare_one
