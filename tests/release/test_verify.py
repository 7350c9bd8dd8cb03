"""aiplus validate: the digests of manifest.json are checked, every file it lists."""

from __future__ import annotations

from samples import seed_tables, write_release

from aiplus.release.companions.datapackage import write_datapackage
from aiplus.release.companions.report import write_summary_report
from aiplus.release.verify import digest_failures, validate_command
from schemas.tables import TABLES


def test_validate_checks_the_digest_of_every_file_the_manifest_lists(tmp_path, capsys):
    tables, inputs = seed_tables()
    folder = write_release(tmp_path, tables, inputs, writers=(write_datapackage, write_summary_report))
    failures, n_files = digest_failures(folder)
    assert failures == [] and n_files == len(TABLES) + 2  # the tables, datapackage.json and report.html
    assert validate_command(folder) == 0
    assert f"Digests (manifest.json): PASSED: {len(TABLES) + 2} files checked" in capsys.readouterr().out

    report = folder / "report.html"
    report.write_bytes(report.read_bytes().replace(b"aiplus-data", b"aiplus-DATA", 1))
    (folder / "datapackage.json").unlink()
    failures, _ = digest_failures(folder)
    assert failures == ["digest datapackage.json: listed in manifest.json but missing",
                        failures[1]] and failures[1].startswith("digest report.html: SHA-256 ")
    assert validate_command(folder) == 1
    out = capsys.readouterr().out
    assert "Digests (manifest.json): FAILED" in out and "CRITICAL digest report.html" in out


def test_a_changed_table_fails_its_digest(tmp_path):
    tables, inputs = seed_tables()
    folder = write_release(tmp_path, tables, inputs)
    path = folder / "metrics.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    failures, n_files = digest_failures(folder)
    assert n_files == len(TABLES) and len(failures) == 1 and failures[0].startswith("digest metrics.parquet: SHA-256")
