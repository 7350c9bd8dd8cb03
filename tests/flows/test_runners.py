"""The task runners (threads, processes, Dask, cached) build byte-identical releases; auto picks processes
only when there is more than a batch to extract."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiplus.runtime.cache import ExtractionCache
from samples import SEEDS as RAW
from schemas.tables import TABLES


@pytest.mark.usefixtures("prefect_server")
def test_cached_rerun_and_other_runners_give_the_same_release(raw_copy: Path, tmp_path: Path):
    from flows import build_release
    from flows.task_runners import make_task_runner

    plain = build_release(raw_dir=str(raw_copy), curated_dir=str(tmp_path / "plain"), batch_size=2)
    cached_1 = build_release(raw_dir=str(raw_copy), curated_dir=str(tmp_path / "cached"), batch_size=2,
                             cache_dir=str(tmp_path / "cache"))
    cached_2 = build_release(raw_dir=str(raw_copy), curated_dir=str(tmp_path / "cached"), batch_size=2,
                             cache_dir=str(tmp_path / "cache"))
    # Same files, same code: the run stops after hashing the files.
    assert cached_2.unchanged and not cached_2.published and cached_2.cache_hits == 5
    assert cached_2.rows == cached_1.rows and set(cached_2.stage_seconds) == {"discover"}
    on_dask = build_release.with_options(task_runner=make_task_runner("dask", workers=2))(
        raw_dir=str(raw_copy), curated_dir=str(tmp_path / "dask"), batch_size=2)
    on_processes = build_release.with_options(task_runner=make_task_runner("processes", workers=2))(
        raw_dir=str(raw_copy), curated_dir=str(tmp_path / "processes"), batch_size=2)
    assert plain.version == cached_1.version == cached_2.version == on_dask.version == on_processes.version
    for table in TABLES:
        name = f"{table}.parquet"
        expected = (tmp_path / "plain" / plain.version / name).read_bytes()
        assert (tmp_path / "dask" / on_dask.version / name).read_bytes() == expected
        assert (tmp_path / "processes" / on_processes.version / name).read_bytes() == expected

    # A new file: only it is extracted, and the release is what a run without cache gives.
    (raw_copy / "new.txt").write_text("本报讯（记者 王伟）5月6日，晋江市人工智能夜校开班，首期招收学员120人。\n",
                                      encoding="utf-8")
    cached_3 = build_release(raw_dir=str(raw_copy), curated_dir=str(tmp_path / "cached"), batch_size=2,
                             cache_dir=str(tmp_path / "cache"))
    assert cached_3.cache_hits == 5 and cached_3.published and not cached_3.unchanged
    fresh = build_release(raw_dir=str(raw_copy), curated_dir=str(tmp_path / "fresh"), batch_size=2)
    assert cached_3.version == fresh.version != plain.version


def test_auto_runner_uses_processes_only_for_more_than_a_batch_to_extract(tmp_path: Path):
    from flows.task_runners import auto_task_runner

    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(60):
        (raw / f"{i:03d}.txt").write_text(f"第{i}篇。人工智能夜校开班。\n", encoding="utf-8")
    assert auto_task_runner(RAW) == "threads"  # the five seeds: one batch
    assert auto_task_runner(raw) == "processes"
    cache = ExtractionCache(tmp_path / "cache")
    for path in sorted(raw.iterdir())[:50]:
        from aiplus.runtime.cache import CachedFile, file_sha256
        from aiplus.ingest.read import read_file

        cache.put(file_sha256(path), CachedFile(read_file(path, raw), []))
    assert auto_task_runner(raw, cache_dir=tmp_path / "cache") == "threads"  # ten files left to extract
