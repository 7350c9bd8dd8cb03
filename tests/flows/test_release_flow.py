"""The whole pipeline as a user runs it: the Prefect flow on the seeds, end to end."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

from flows import build_release, load
from schemas.tables import TABLES

pytestmark = pytest.mark.usefixtures("prefect_server")


def _parquet_bytes(release: Path) -> dict[str, bytes]:
    return {t: (release / f"{t}.parquet").read_bytes() for t in TABLES}


def test_seeds_release_end_to_end_and_reproducible(raw_copy: Path, tmp_path: Path):
    curated = tmp_path / "curated"
    first = build_release(raw_dir=str(raw_copy), curated_dir=str(curated))
    assert first.published and first.files == 5
    release = curated / first.version
    assert (curated / "latest").resolve() == release.resolve()
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"] == first.version
    assert {i["source_file"] for i in manifest["inputs"]} == {p.name for p in raw_copy.iterdir()}
    for table in TABLES:
        df = pd.read_parquet(release / f"{table}.parquet")
        assert manifest["tables"][table]["rows"] == len(df)
    # The seeds hold 1 + 2 + 7 + 1 + 8 articles (tests/gold/dev).
    articles = load("articles", curated_dir=curated)
    assert articles.groupby("source_file").size().to_dict() == {
        "000_24fac3fd04a55c4d.txt": 1, "001_f46751c9ddabeeb8.txt": 2, "002_018b995092ca6224.txt": 7,
        "003_9667f61e04ef14cb.txt": 1, "004_d92bef512ad02781.txt": 8}
    assert articles["text"].str.contains("深圳新闻网").any()  # Simplified text, pinyin gone
    assert not articles["text"].str.contains("(wǎng)", regex=False).any()

    before = _parquet_bytes(release)
    second = build_release(raw_dir=str(raw_copy), curated_dir=str(curated))
    assert second.version == first.version
    assert not second.published and "no change" in second.message
    assert _parquet_bytes(release) == before
    assert sorted(p.name for p in curated.iterdir()) == sorted(["latest", first.version])


def test_rebuild_elsewhere_gives_identical_bytes(raw_copy: Path, tmp_path: Path):
    a = build_release(raw_dir=str(raw_copy), curated_dir=str(tmp_path / "a"))
    b = build_release(raw_dir=str(raw_copy), curated_dir=str(tmp_path / "b"))
    assert a.version == b.version
    assert _parquet_bytes(tmp_path / "a" / a.version) == _parquet_bytes(tmp_path / "b" / b.version)


def test_bad_inputs_are_rejected_and_good_files_still_published(raw_copy: Path, tmp_path: Path):
    (raw_copy / "empty.txt").write_bytes(b"")
    (raw_copy / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    (raw_copy / "broken.txt").write_bytes("人工智能夜校开课了。".encode("utf-8") + b"\xff\xfe\xfa" * 400)
    (raw_copy / "copy_of_000.txt").write_bytes((raw_copy / "000_24fac3fd04a55c4d.txt").read_bytes())
    (raw_copy / "nav_only.html").write_text("<html><head><title>首页</title></head><body><nav><a href='/'>首页"
                                            "</a></nav></body></html>", encoding="utf-8")
    with open(raw_copy / "huge.txt", "wb") as fh:
        fh.write(("人工智能" * 1000 + "\n").encode("utf-8") * 4400)  # about 53 MB
    curated = tmp_path / "curated"
    summary = build_release(raw_dir=str(raw_copy), curated_dir=str(curated))
    assert summary.published
    rejected = summary.files_rejected
    for name in ["empty.txt", "image.txt", "broken.txt", "copy_of_000.txt", "nav_only.html", "huge.txt"]:
        assert name in rejected, name
    assert "duplicate" in rejected["copy_of_000.txt"] and "000_24fac3fd04a55c4d.txt" in rejected["copy_of_000.txt"]
    text = summary.format()
    for name in rejected:
        assert name in text
    rejects = load("rejects", curated_dir=curated)
    assert set(rejected) <= set(rejects.loc[rejects["table"] == "files", "source_file"])
    articles = load("articles", curated_dir=curated)
    assert set(articles["source_file"]) == {f"{p}" for p in [
        "000_24fac3fd04a55c4d.txt", "001_f46751c9ddabeeb8.txt", "002_018b995092ca6224.txt",
        "003_9667f61e04ef14cb.txt", "004_d92bef512ad02781.txt"]}


def test_failed_publish_leaves_previous_release_untouched(raw_copy: Path, tmp_path: Path, monkeypatch):
    import aiplus.release.publish as publish

    curated = tmp_path / "curated"
    good = build_release(raw_dir=str(raw_copy), curated_dir=str(curated))
    release = curated / good.version
    snapshot = {p.relative_to(release): p.read_bytes() for p in release.rglob("*") if p.is_file()}

    (raw_copy / "new.txt").write_text("本报讯（记者 王明）昨日，某市启动人工智能夜校，首期培训200人。\n", encoding="utf-8")

    def crash(*args, **kwargs):
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(publish, "write_manifest", crash)
    with pytest.raises(Exception):
        build_release(raw_dir=str(raw_copy), curated_dir=str(curated))
    assert os.readlink(curated / "latest") == good.version
    assert sorted(p.name for p in curated.iterdir()) == sorted(["latest", good.version])
    assert {p.relative_to(release): p.read_bytes() for p in release.rglob("*") if p.is_file()} == snapshot


def test_cli_run_as_in_the_readme(raw_copy: Path, tmp_path: Path, monkeypatch, capsys):
    """`aiplus run` with its default, relative folders, from the project folder."""
    from flows.cli import main

    monkeypatch.chdir(raw_copy.parent)
    assert main(["run", "--cache-dir", ".cache/aiplus"]) == 0
    out = capsys.readouterr().out
    assert "files: 5 read, 0 rejected" in out and "published release" in out and "quality report:" in out
    assert (tmp_path / "curated" / "latest" / "report.html").exists()
    assert (tmp_path / "curated" / "latest" / "quality" / "index.html").exists()
    assert main(["run", "--cache-dir", ".cache/aiplus"]) == 0
    assert "no change" in capsys.readouterr().out


def test_a_refused_release_prints_its_summary_and_allow_shrink_publishes_it(raw_copy: Path, tmp_path: Path,
                                                                             monkeypatch, capfd):
    """Withdrawing most files fails the row-count check: the summary names the failed check, the exit code
    is 1, no traceback; ``--allow-shrink`` publishes the smaller corpus and the manifest says so."""
    from flows.cli import main

    monkeypatch.chdir(raw_copy.parent)
    assert main(["run", "--batch-size", "2"]) == 0  # with the cache: batches keep their parts
    first = os.readlink(tmp_path / "curated" / "latest")
    capfd.readouterr()
    withdrawn = {}
    for name in ("002_018b995092ca6224.txt", "004_d92bef512ad02781.txt"):  # 15 of the 19 articles
        withdrawn[name] = (raw_copy / name).read_bytes()
        (raw_copy / name).unlink()
    assert main(["run", "--batch-size", "2"]) == 1
    out, err = capfd.readouterr()
    assert "quality gate: FAILED" in out and "CRITICAL articles: expect_table_row_count_to_be_between" in out
    assert "refused: release" in out and "quality report of the refused release:" in out
    assert "Traceback" not in err and "Traceback" not in out
    assert os.readlink(tmp_path / "curated" / "latest") == first
    # The refused partial change left the latest release and its record as they were: with the files
    # back, the run finds nothing to do.
    for name, data in withdrawn.items():
        (raw_copy / name).write_bytes(data)
    assert main(["run", "--batch-size", "2"]) == 0
    assert "no change" in capfd.readouterr()[0]
    for name in withdrawn:
        (raw_copy / name).unlink()

    assert main(["run", "--no-cache", "--allow-shrink"]) == 0
    out, _ = capfd.readouterr()
    assert "published release" in out and "allowed to shrink" in out
    manifest = json.loads((tmp_path / "curated" / "latest" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["quality"]["allow_shrink"] is True and manifest["tables"]["articles"]["rows"] == 4
