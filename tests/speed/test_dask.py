"""The cluster path: the import stage on a real local Dask cluster gives the local path's pieces."""

from __future__ import annotations

import json

import distributed  # in the test extra: the cluster path is always tested
import pytest

from bundler.errors import BundlerError
from bundler.executor import WorkOptions
from bundler.exporters import formats
from bundler.manifest import load_manifest, resolve_dossier
from bundler.model import to_data


@pytest.fixture(scope="module")
def dask_address():
    """A real scheduler and one worker process on 127.0.0.1, started by the test."""
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=True, host="127.0.0.1", dashboard_address=None, silence_logs=40
    ) as cluster:
        yield cluster.scheduler_address.removeprefix("tcp://")


def pieces_json(collection, work: WorkOptions) -> str:
    dossier = resolve_dossier(load_manifest(collection, formats=formats()), work=work)
    return json.dumps([to_data(p) for p in dossier.pieces], sort_keys=True, ensure_ascii=False)


def test_dask_import_gives_the_same_pieces_as_the_local_path(collection, dask_address):
    local = pieces_json(collection, WorkOptions(executor="local", jobs=2, cache=False))
    clustered = pieces_json(collection, WorkOptions(executor=f"dask://{dask_address}", cache=False))
    assert clustered == local
    assert json.loads(clustered)[0]["title"] == "Piece number 1"


def test_dask_workers_fill_the_shared_cache(collection, dask_address):
    work = WorkOptions(executor=f"dask://{dask_address}")
    first = pieces_json(collection, work)
    assert len(list((collection / ".cache" / "imports").iterdir())) == 8
    assert pieces_json(collection, WorkOptions(executor="serial")) == first  # the local path reads what the cluster stored


def test_an_unreachable_scheduler_is_a_user_error_not_a_traceback(collection, monkeypatch):
    monkeypatch.setattr("bundler.executor.DASK_CONNECT_TIMEOUT", "1s")
    with pytest.raises(BundlerError, match="cannot reach the Dask scheduler"):
        resolve_dossier(load_manifest(collection, formats=formats()), work=WorkOptions(executor="dask://127.0.0.1:9", cache=False))
