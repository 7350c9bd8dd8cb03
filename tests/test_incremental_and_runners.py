"""Incremental runs (the extraction cache) and the task runners that build the same release."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from aiplus.runtime.cache import ExtractionCache, extractor_fingerprint
from aiplus.runtime.batch import process_batch
from aiplus.ingest.read import discover_files
from schemas.tables import TABLES

RAW = Path(__file__).resolve().parents[1] / "raw"


def _signature(result):
    return [(e.article.source_file, e.article.index, e.article.text, len(e.organisations), len(e.initiatives),
             len(e.metrics)) for e in result.extractions]


def test_unchanged_files_come_from_the_cache(tmp_path: Path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    cache = tmp_path / "cache"
    first = process_batch(discover_files(raw), raw, cache)
    assert first.cache_hits == 0
    second = process_batch(discover_files(raw), raw, cache)
    assert second.cache_hits == 5
    assert second.stage_seconds["extract"] == 0.0  # nothing was extracted again
    assert _signature(second) == _signature(first)

    # A renamed file with the same bytes is a hit, relabelled with its new name.
    (raw / "000_24fac3fd04a55c4d.txt").rename(raw / "renamed.txt")
    third = process_batch(discover_files(raw), raw, cache)
    assert third.cache_hits == 5
    assert {e.article.source_file for e in third.extractions} >= {"renamed.txt"}
    assert "000_24fac3fd04a55c4d.txt" not in {d.source_file for d in third.documents}

    # A changed file is processed again; the others still come from the cache.
    path = raw / "003_9667f61e04ef14cb.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\n新增一段。\n", encoding="utf-8")
    fourth = process_batch(discover_files(raw), raw, cache)
    assert fourth.cache_hits == 4


def test_a_new_extractor_fingerprint_invalidates_the_cache(tmp_path: Path):
    cache_dir = tmp_path / "cache"
    process_batch(discover_files(RAW), RAW, cache_dir)
    sha = next(iter(d.sha256 for d in process_batch(discover_files(RAW), RAW, cache_dir).documents))
    assert ExtractionCache(cache_dir).get(sha, "x.txt") is not None
    assert ExtractionCache(cache_dir, fingerprint="another-extractor").get(sha, "x.txt") is None
    assert len(extractor_fingerprint()) == 16


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


def test_batch_size_gives_each_core_several_batches_within_bounds():
    from aiplus.runtime.batch import BATCH_SIZE_BOUNDS, batch_size_for

    assert batch_size_for(5, cores=2) == BATCH_SIZE_BOUNDS[0]
    assert batch_size_for(1000, cores=2) == 125
    assert batch_size_for(100_000, cores=2) == BATCH_SIZE_BOUNDS[1]


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


def test_unchanged_release_needs_same_files_code_and_latest(tmp_path: Path):
    from aiplus.runtime.inputs import inputs_digest, record_release, snapshot_raw, unchanged_release

    curated, cache = tmp_path / "curated", tmp_path / "cache"
    (curated / "v1").mkdir(parents=True)
    (curated / "v1" / "manifest.json").write_text("{}", encoding="utf-8")
    (curated / "latest").symlink_to("v1")
    digest = inputs_digest(snapshot_raw(RAW))
    assert unchanged_release(cache, curated, digest) is None  # nothing recorded yet
    record_release(cache, curated, digest, "v1")
    assert unchanged_release(cache, curated, digest) == "v1"
    assert unchanged_release(cache, tmp_path / "elsewhere", digest) is None
    assert unchanged_release(cache, curated, digest[::-1]) is None  # another file or another code
    (curated / "latest").unlink()
    (curated / "latest").symlink_to("v2")
    assert unchanged_release(cache, curated, digest) is None  # latest moved since


def test_batches_are_cut_by_name_so_a_new_file_changes_only_its_own_batch():
    from aiplus.runtime.inputs import RawFile
    from aiplus.runtime.batch import plan_batches

    files = [RawFile(f"{i:05d}.txt", f"/raw/{i:05d}.txt", "0" * 64, 1) for i in range(0, 4000, 2)]
    before = plan_batches(files, 50)
    assert [f for b in before for f in b] == files and max(len(b) for b in before) <= 100
    assert 20 <= len(before) <= 80
    grown = sorted(files + [RawFile("01001.txt", "/raw/01001.txt", "0" * 64, 1)], key=lambda f: f.source_file)
    after = plan_batches(grown, 50)
    changed = [b for b in after if b not in before]
    assert len(changed) == 1 and any(f.source_file == "01001.txt" for f in changed[0])


def test_a_batch_of_unchanged_files_comes_whole_from_the_batch_cache(tmp_path: Path):
    from aiplus.runtime.batch import process_batch_to_fragments

    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    cache = tmp_path / "cache"
    first = process_batch_to_fragments(discover_files(raw), raw, cache)
    second = process_batch_to_fragments(discover_files(raw), raw, cache)
    assert first.cache_hits == 0 and second.cache_hits == 5 and "extract" not in second.stage_seconds
    for name, table in first.fragments.items():
        assert second.fragments[name].equals(table)
    # One changed file: the batch is rebuilt, the other four files still come from the file cache.
    path = raw / "003_9667f61e04ef14cb.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\n新增一段。\n", encoding="utf-8")
    third = process_batch_to_fragments(discover_files(raw), raw, cache)
    assert third.cache_hits == 4 and third.stage_seconds["extract"] > 0
