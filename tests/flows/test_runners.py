"""The task runners (threads, processes, Dask, cached parts) build byte-identical releases; a run with a new
file extracts only that file's batch and gives the release a run without cache gives; auto picks processes
only when there is more than a batch's worth of files to extract."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from real_server import BIN, free_port, stop, wait_for
from schemas.tables import TABLES


def _tables(curated: Path, version: str) -> dict[str, bytes]:
    return {t: (curated / version / f"{t}.parquet").read_bytes() for t in TABLES}


@pytest.mark.usefixtures("prefect_server")
def test_cached_rerun_and_other_runners_give_the_same_release(raw_copy: Path, tmp_path: Path):
    from flows import build_release

    plain = build_release(raw_dir=str(raw_copy), curated_dir=str(tmp_path / "plain"), batch_size=2,
                          task_runner="threads")
    cached_1 = build_release(raw_dir=str(raw_copy), curated_dir=str(tmp_path / "cached"), batch_size=2,
                             cache_dir=str(tmp_path / "cache"))
    cached_2 = build_release(raw_dir=str(raw_copy), curated_dir=str(tmp_path / "cached"), batch_size=2,
                             cache_dir=str(tmp_path / "cache"))
    # Same files, same code: the run stops after hashing the files.
    assert cached_2.unchanged and not cached_2.published and cached_2.cache_hits == 5
    assert cached_2.rows == cached_1.rows and set(cached_2.stage_seconds) == {"discover"}
    on_processes = build_release(raw_dir=str(raw_copy), curated_dir=str(tmp_path / "processes"), batch_size=2,
                                 task_runner="processes", workers=2)
    assert plain.version == cached_1.version == cached_2.version == on_processes.version
    assert _tables(tmp_path / "processes", on_processes.version) == _tables(tmp_path / "plain", plain.version)

    # A new file: only its batch is extracted (the others keep their parts), and the release is byte for
    # byte what a run without cache gives.
    (raw_copy / "new.txt").write_text("本报讯（记者 王伟）5月6日，晋江市人工智能夜校开班，首期招收学员120人。\n",
                                      encoding="utf-8")
    cached_3 = build_release(raw_dir=str(raw_copy), curated_dir=str(tmp_path / "cached"), batch_size=2,
                             cache_dir=str(tmp_path / "cache"))
    assert cached_3.published and not cached_3.unchanged
    assert cached_3.batches_extracted == 1 and cached_3.batches_reused == cached_3.batches - 1 >= 1
    fresh = build_release(raw_dir=str(raw_copy), curated_dir=str(tmp_path / "fresh"), batch_size=2)
    assert cached_3.version == fresh.version != plain.version
    assert _tables(tmp_path / "cached", cached_3.version) == _tables(tmp_path / "fresh", fresh.version)
    # The parts of batches that are gone are removed from the cache once the release is published.
    parts = list((tmp_path / "cache" / "parts").glob("*/*"))
    assert len(parts) == cached_3.batches


@pytest.fixture
def dask_cluster(tmp_path: Path):
    """A real `dask scheduler` on a free loopback port with two `dask worker` processes; ended with the test."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parents[2]),
                                                        os.environ.get("PYTHONPATH", "")])}
    procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], env=env, stdout=open(tmp_path / "scheduler.log", "wb"),
                              stderr=subprocess.STDOUT, start_new_session=True)]
    for i in range(2):
        procs.append(subprocess.Popen([str(BIN / "dask"), "worker", address, "--nthreads", "1", "--nworkers", "1",
                                       "--no-dashboard", "--name", f"worker-{i}"], env=env,
                                      stdout=open(tmp_path / f"worker-{i}.log", "wb"), stderr=subprocess.STDOUT,
                                      start_new_session=True))

    def two_workers():
        from distributed import Client

        try:
            with Client(address, timeout=5) as client:
                return len(client.scheduler_info()["workers"]) == 2
        except OSError:
            return False

    try:
        wait_for(two_workers, 120, "the Dask scheduler and its two workers", procs)
        yield address
    finally:
        for proc in reversed(procs):
            stop(proc)


@pytest.mark.usefixtures("prefect_server")
def test_a_release_built_on_a_dask_cluster_equals_the_local_one(raw_copy: Path, tmp_path: Path, dask_cluster: str):
    from flows import build_release

    local = build_release(raw_dir=str(raw_copy), curated_dir=str(tmp_path / "local"), batch_size=2,
                          task_runner="threads")
    on_dask = build_release(raw_dir=str(raw_copy), curated_dir=str(tmp_path / "dask"), batch_size=2,
                            cache_dir=str(tmp_path / "cache"), dask_address=dask_cluster)
    assert on_dask.published and on_dask.batches_extracted == on_dask.batches >= 2
    assert on_dask.version == local.version
    assert _tables(tmp_path / "dask", on_dask.version) == _tables(tmp_path / "local", local.version)


def test_auto_runner_uses_processes_only_for_more_than_a_batch_of_files_to_extract():
    from flows.task_runners import choose_runner_for_batches

    assert choose_runner_for_batches("auto", n_files=5, batch_size=25) == "threads"
    expected = "processes" if (os.cpu_count() or 1) > 1 else "threads"
    assert choose_runner_for_batches("auto", n_files=60, batch_size=25) == expected
    assert choose_runner_for_batches("threads", n_files=600, batch_size=25) == "threads"
    assert choose_runner_for_batches("auto", 5, 25, dask_address="tcp://127.0.0.1:8786") == "dask"
    with pytest.raises(ValueError, match="unknown task runner"):
        choose_runner_for_batches("fibres", 5, 25)
