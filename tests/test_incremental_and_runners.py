"""Incremental runs (the extraction cache) and the task runners that build the same release."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from aiplus.extraction_cache import ExtractionCache, extractor_fingerprint
from aiplus.process_batch import process_batch
from aiplus.read_raw import discover_files
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
def test_cached_rerun_and_dask_runner_give_the_same_release(raw_copy: Path, tmp_path: Path):
    from flows import build_release
    from flows.task_runners import make_task_runner

    plain = build_release(raw_dir=str(raw_copy), curated_dir=str(tmp_path / "plain"), batch_size=2)
    cached_1 = build_release(raw_dir=str(raw_copy), curated_dir=str(tmp_path / "cached"), batch_size=2,
                             cache_dir=str(tmp_path / "cache"))
    cached_2 = build_release(raw_dir=str(raw_copy), curated_dir=str(tmp_path / "cached"), batch_size=2,
                             cache_dir=str(tmp_path / "cache"))
    assert cached_2.cache_hits == 5 and not cached_2.published
    on_dask = build_release.with_options(task_runner=make_task_runner("dask", workers=2))(
        raw_dir=str(raw_copy), curated_dir=str(tmp_path / "dask"), batch_size=2)
    assert plain.version == cached_1.version == cached_2.version == on_dask.version
    for table in TABLES:
        name = f"{table}.parquet"
        assert (tmp_path / "dask" / on_dask.version / name).read_bytes() == \
            (tmp_path / "plain" / plain.version / name).read_bytes()
