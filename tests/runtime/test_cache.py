"""Incremental runs: the per-file and per-batch caches, batch planning, and the no-change check."""

from __future__ import annotations

import shutil
from pathlib import Path


from aiplus.runtime.cache import ExtractionCache, extractor_fingerprint
from aiplus.runtime.batch import process_batch
from aiplus.ingest.read import discover_files

from samples import SEEDS as RAW


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


def test_batch_size_gives_each_core_several_batches_within_bounds():
    from aiplus.runtime.batch import BATCH_SIZE_BOUNDS, batch_size_for

    assert batch_size_for(5, cores=2) == BATCH_SIZE_BOUNDS[0]
    assert batch_size_for(1000, cores=2) == 125
    assert batch_size_for(100_000, cores=2) == BATCH_SIZE_BOUNDS[1]


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


def test_a_batch_of_unchanged_files_keeps_its_part(tmp_path: Path):
    """A batch's part is keyed by its files' names and hashes: unchanged files find the part written before
    (its rows sorted by key, its files listed); a changed file gives another key, and its batch is extracted
    again with the other files from the per-file cache."""
    import pyarrow.parquet as pq

    from aiplus.runtime.batch import process_batch_to_part, read_part_summary
    from aiplus.runtime.cache import PartStore
    from aiplus.runtime.inputs import snapshot_raw

    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    cache = tmp_path / "cache"
    store = PartStore(cache)

    def key():
        return PartStore.key([(f.source_file, f.sha256) for f in snapshot_raw(raw)])

    first_key = key()
    assert read_part_summary(store.folder(first_key)) is None
    first = process_batch_to_part(discover_files(raw), raw, store.folder(first_key), cache)
    assert first.cache_hits == 0 and first.n_articles == 19 and not first.reused
    kept = read_part_summary(store.folder(key()))
    assert kept.reused and kept.cache_hits == 5 and [d.source_file for d in kept.documents] == \
        [d.source_file for d in first.documents]
    mentions = pq.read_table(store.folder(first_key) / "mentions.parquet").column("mention_id").to_pylist()
    assert mentions == sorted(mentions)
    path = raw / "003_9667f61e04ef14cb.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\n新增一段。\n", encoding="utf-8")
    assert key() != first_key and read_part_summary(store.folder(key())) is None
    third = process_batch_to_part(discover_files(raw), raw, store.folder(key()), cache)
    assert third.cache_hits == 4 and third.stage_seconds["extract"] > 0
    assert store.keep_only({key()}) == 1 and not store.folder(first_key).exists()


def test_the_sources_sidecar_and_the_size_limit_change_the_inputs_digest(raw_copy):
    """A changed SOURCES.tsv must change the release: the no-change check sees it (and so does a new limit)."""
    from aiplus.ingest.sources import read_sources
    from aiplus.runtime.inputs import inputs_digest, snapshot_raw

    files = snapshot_raw(raw_copy)
    plain = inputs_digest(files, read_sources(raw_copy))
    (raw_copy / "SOURCES.tsv").write_text("file\turl\n000_24fac3fd04a55c4d.txt\thttps://e.org/a\n", encoding="utf-8")
    assert [f.source_file for f in snapshot_raw(raw_copy)] == [f.source_file for f in files]  # not an article
    with_sidecar = inputs_digest(files, read_sources(raw_copy))
    (raw_copy / "SOURCES.tsv").write_text("file\turl\n000_24fac3fd04a55c4d.txt\thttps://e.org/b\n", encoding="utf-8")
    changed = inputs_digest(files, read_sources(raw_copy))
    assert len({plain, with_sidecar, changed}) == 3
    assert inputs_digest(files, read_sources(raw_copy), 1024) != changed
