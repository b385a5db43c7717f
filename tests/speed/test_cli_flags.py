"""``bundler build --no-cache --jobs N --executor ...`` through the real command line."""

from __future__ import annotations

from bundler.cache import cache_root
from bundler.cli import main


def test_build_with_jobs_then_no_cache_gives_the_same_edition(collection, tmp_path, capsys):
    assert main(["-q", "build", str(collection), "--format", "epub", "--out", str(tmp_path / "a"), "--jobs", "2"]) == 0
    first = (tmp_path / "a" / collection.name / f"{collection.name}.epub").read_bytes()
    stored = sorted(p.name for p in cache_root(collection).rglob("*") if p.is_file())
    assert (
        main(["-q", "build", str(collection), "--format", "epub", "--out", str(tmp_path / "b"), "--no-cache", "--executor", "serial"]) == 0
    )
    assert (tmp_path / "b" / collection.name / f"{collection.name}.epub").read_bytes() == first
    assert sorted(p.name for p in cache_root(collection).rglob("*") if p.is_file()) == stored  # nothing added


def test_an_unknown_executor_is_a_user_error_before_any_work(collection, tmp_path, capsys):
    code = main(["build", str(collection), "--out", str(tmp_path / "out"), "--executor", "spark://cluster"])
    err = capsys.readouterr().err
    assert code == 1
    assert "unknown executor 'spark://cluster'" in err and "dask://HOST:PORT" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()
