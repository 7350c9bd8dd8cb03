"""aiplus diff (rows added / removed / changed by key) and aiplus releases (versions with row counts)."""

from __future__ import annotations

from samples import empty_tables, small_tables, write_release

from aiplus.tables.conform import to_frame
from aiplus.release.diff import (diff_command, diff_releases, format_diff, format_release_rows, list_release_rows,
                                 releases_command)
from schemas.tables import TABLES


def _two_releases(tmp_path):
    old_tables = small_tables()
    new_tables = small_tables()
    # initiatives: one changed (kind), metrics: one removed and one added, one changed (value), lists compared too
    initiatives = new_tables["initiatives"].copy()
    initiatives.loc[0, "kind"] = "event"
    changed_name = initiatives.loc[0, "name"]
    new_tables["initiatives"] = initiatives
    metrics = new_tables["metrics"].to_dict("records")
    removed_id = metrics[2]["metric_id"]
    metrics[2] = {**metrics[2], "metric_id": "m_" + "a" * 16}
    metrics[1] = {**metrics[1], "value": 31.0}
    new_tables["metrics"] = to_frame("metrics", metrics)
    orgs = new_tables["organisations"].to_dict("records")
    orgs[0] = {**orgs[0], "aliases": ["残联"]}
    new_tables["organisations"] = to_frame("organisations", orgs)
    new_tables["rejects"] = to_frame("rejects", new_tables["rejects"].to_dict("records") + [
        {"table": "files", "record": "{}", "reasons": "binary file", "source_file": "x.bin", "article_id": None}])
    old = write_release(tmp_path, old_tables, created="2026-01-01T00:00:00Z")
    new = write_release(tmp_path, new_tables, created="2026-01-02T00:00:00Z")
    return old, new, removed_id, changed_name


def test_diff_counts_added_removed_and_changed_rows_by_key(tmp_path):
    old, new, removed_id, changed_name = _two_releases(tmp_path)
    diff = diff_releases(old, new)
    assert diff["old"]["version"] == old.name and diff["new"]["version"] == new.name
    t = diff["tables"]
    assert (t["metrics"]["added"], t["metrics"]["removed"], t["metrics"]["changed"]) == (1, 1, 1)
    assert t["metrics"]["changed_columns"] == {"value": 1}
    assert t["metrics"]["examples"]["removed"] == [removed_id]
    assert (t["initiatives"]["changed"], t["initiatives"]["changed_columns"]) == (1, {"kind": 1})
    assert t["organisations"]["changed_columns"] == {"aliases": 1}
    assert t["articles"]["changed"] == 0 and t["articles"]["unchanged"] == 2
    assert (t["rejects"]["added"], t["rejects"]["removed"], t["rejects"]["key"]) == (1, 0, [])
    text = format_diff(diff)
    assert "metrics" in text and "+1 added" in text and "~1 changed" in text and "value 1" in text
    assert "whole rows compared" in text
    assert t["initiatives"]["labels"][t["initiatives"]["examples"]["changed"][0]] == changed_name
    assert changed_name in text


def test_diff_of_a_release_with_itself_and_with_an_empty_one(tmp_path):
    old = write_release(tmp_path / "a", small_tables())
    empty = write_release(tmp_path / "b", empty_tables())
    assert "no row differs" in format_diff(diff_releases(old, old))
    diff = diff_releases(empty, old)
    assert diff["tables"]["initiatives"]["added"] == 2 and diff["tables"]["initiatives"]["removed"] == 0
    assert diff["tables"]["initiative_organisations"]["added"] == 3  # composite key
    back = diff_releases(old, empty)
    assert back["tables"]["metrics"]["removed"] == 3


def test_list_releases_with_rows_and_latest(tmp_path):
    old, new, *_ = _two_releases(tmp_path)
    releases = list_release_rows(tmp_path)
    assert [r["version"] for r in releases] == [old.name, new.name]
    assert [r["latest"] for r in releases] == [False, True]
    assert releases[0]["rows"]["metrics"] == 3 and set(releases[0]["rows"]) == set(TABLES)
    text = format_release_rows(releases)
    assert text.splitlines()[2].startswith("*") and new.name in text
    assert format_release_rows([]) == "no releases"


def test_commands_print_and_return_exit_codes(tmp_path, capsys):
    old, new, *_ = _two_releases(tmp_path)
    assert diff_command(str(old), str(new)) == 0
    assert "metrics" in capsys.readouterr().out
    assert diff_command(old.name, "latest", curated_dir=str(tmp_path)) == 0  # versions inside curated/
    assert diff_command(str(old), str(tmp_path / "nope")) == 2
    assert "no release" in capsys.readouterr().err
    assert releases_command(str(tmp_path)) == 0
    assert old.name in capsys.readouterr().out
    assert releases_command(str(tmp_path / "missing")) == 2


def test_diff_lists_every_key_with_all_and_speaks_json(tmp_path, capsys):
    import json

    old_tables, new_tables = small_tables(), small_tables()
    metrics = new_tables["metrics"].to_dict("records")
    extra = [{**metrics[0], "metric_id": f"m_{i:016x}"} for i in range(8)]  # eight new metrics
    new_tables["metrics"] = to_frame("metrics", metrics + extra)
    old = write_release(tmp_path, old_tables, created="2026-01-01T00:00:00Z")
    new = write_release(tmp_path, new_tables, created="2026-01-02T00:00:00Z")
    assert len(diff_releases(old, new)["tables"]["metrics"]["examples"]["added"]) == 5
    assert diff_command(str(old), str(new), every_key=True, as_json=True) == 0
    diff = json.loads(capsys.readouterr().out)
    assert diff["tables"]["metrics"]["added"] == 8
    assert sorted(diff["tables"]["metrics"]["examples"]["added"]) == sorted(m["metric_id"] for m in extra)
    assert diff_command(str(old), str(new), every_key=True) == 0
    assert "and 3 more" not in capsys.readouterr().out


def test_diff_says_when_a_new_report_merges_two_entities(tmp_path):
    """Two reports of one service in two articles that nothing linked are two entities; a third article that
    shares the quoted name with the one and the figure and place with the other joins them: diff says so."""
    import pandas as pd

    from aiplus.tables.entities import add_entities

    def tables(rows):
        articles = [{"article_id": f"a_{n:016x}", "source_file": f"{n}.txt", "source_sha256": "0" * 64,
                     "article_index": 0, "title": None, "publisher": f"报{n}", "published_date": f"2025-0{n}-01",
                     "byline": None, "region_name": "广东省深圳市福田区", "region_code": "440304", "script": "simplified",
                     "text": evidence, "original_text": evidence, "n_chars": len(evidence), "quality_flags": []}
                    for n, (_, evidence) in enumerate(rows, start=1)]
        initiatives = [{"initiative_id": f"i_{n:016x}", "article_id": f"a_{n:016x}", "name": name, "aliases": [],
                        "kind": "service", "ai_related": True, "domain": None, "region_name": None,
                        "region_code": None, "start_date": None, "evidence": evidence, "start": 0,
                        "end": len(evidence)} for n, (name, evidence) in enumerate(rows, start=1)]
        frames = {t: to_frame(t, []) for t in TABLES}
        frames["articles"], frames["initiatives"] = to_frame("articles", articles), to_frame("initiatives", initiatives)
        return add_entities(frames)

    two = [("小福AI政务助手", "福田区上线“小福”AI政务助手"), ("AI数智员工", "福田区首批70名AI数智员工上岗")]
    old = write_release(tmp_path, tables(two), created="2026-01-01T00:00:00Z")
    three = tables(two + [("小福", "福田区“小福”首批70名上岗")])
    assert three["initiatives"]["entity_id"].nunique() == 1
    new = write_release(tmp_path, three, created="2026-01-02T00:00:00Z")
    diff = diff_releases(old, new)
    merged = diff["entities"]["merged"]
    assert len(merged) == 1 and merged[0]["into"] in set(pd.read_parquet(old / "initiative_entities.parquet")["entity_id"])
    assert "merged into" in format_diff(diff)
