"""`aiplus evaluate`: GOLD.md's scoring on a published release and in memory, nulls anywhere, strongest match first."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from aiplus.evaluate import (FilePredictions, PredictedArticle, PredictedInitiative, PredictedOrganisation,
                             predictions_from_extractions, predictions_from_release, score_predictions)
from aiplus.ingest.read import discover_files
from aiplus.runtime.batch import process_batch
from flows.cli import main
from schemas.tables import MODELS
from samples import GOLD_DEV, SEEDS, seed_tables, small_tables, write_release

GOLD = GOLD_DEV


def test_release_form_scores_as_the_in_memory_form(tmp_path: Path, capsys):
    """The README's form (a published release) runs, and agrees with a fresh extraction of the same files."""
    tables, inputs = seed_tables()
    write_release(tmp_path / "curated", tables, inputs)
    assert main(["evaluate", "--gold", str(GOLD), "--curated", str(tmp_path / "curated")]) == 0
    out = capsys.readouterr().out
    assert "organisations" in out and "articles_per_file" in out and "region_consistent" in out

    from_release = score_predictions(GOLD, predictions_from_release(tmp_path / "curated" / "latest"))
    raw = SEEDS
    in_memory = score_predictions(GOLD, predictions_from_extractions(process_batch(discover_files(raw), raw).extractions))
    assert from_release.as_dict()["tables"] == in_memory.as_dict()["tables"]
    assert from_release.as_dict()["articles"] == in_memory.as_dict()["articles"]


@pytest.mark.parametrize("table", ["articles", "organisations", "initiatives", "metrics"])  # (mentions: no nulls)
def test_a_null_in_any_column_does_not_stop_the_scorer(tmp_path: Path, table: str):
    tables = small_tables()
    df = tables[table].copy()
    nullable = [name for name, column in MODELS[table].to_schema().columns.items() if column.nullable]
    for column in nullable:
        df[column] = pd.Series([None] * len(df), dtype=object)
    # Written as the release's Parquet files are, then read back as a user's release.
    release = write_release(tmp_path / "curated", {**tables, table: df}, writers=())
    gold = tmp_path / "gold"
    gold.mkdir()
    for aid, row in tables["articles"].set_index("article_id").iterrows():
        (gold / f"{row.source_file}.json").write_text(json.dumps({
            "source": row.source_file, "articles": [{"title": "夜校开课", "region": "福建省泉州市", "date": "2026-01-02",
                                                     "first_chars": row.text[:10]}],
            "organisations": [{"name": "晋江市残联", "type": "government"}],
            "initiatives": [{"name": "AI助残夜校", "kind": "programme", "ai_related": True}],
            "metrics": [{"value": 200, "unit": "人次", "qualifier": "over", "indicator": "培训", "text": "培训超200人次",
                         "is_target": False}]}, ensure_ascii=False), encoding="utf-8")
    result = score_predictions(gold, predictions_from_release(release))
    assert result.files == 2 and not result.missing_files


def _gold(tmp_path: Path, **items) -> Path:
    gold = tmp_path / "gold"
    gold.mkdir(exist_ok=True)
    record = {"source": "a.txt", "articles": [], "organisations": [], "initiatives": [], "metrics": [], **items}
    (gold / "a.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return gold


def test_a_prediction_equal_to_an_optional_item_is_that_item(tmp_path: Path):
    """GOLD.md: 厦门大学 predicted, gold has 厦门大学 (optional) and 厦门大学人工智能研究院 (required)."""
    gold = _gold(tmp_path, organisations=[
        {"name": "厦门大学人工智能研究院", "type": "research", "required": True},
        {"name": "厦门大学", "type": "education", "required": False}])
    preds = {"a.txt": FilePredictions(organisations=[PredictedOrganisation({"厦门大学"}, "education")])}
    score = score_predictions(gold, preds).tables["organisations"]
    assert (score.tp, score.fp, score.fn) == (0, 0, 1)


def test_equality_wins_over_containment_and_similarity(tmp_path: Path):
    gold = _gold(tmp_path, initiatives=[{"name": "AI直播夜校", "kind": "programme", "ai_related": True},
                                        {"name": "智汇宝安·AI直播夜校", "kind": "programme", "ai_related": True}])
    # Taken in the order given, the first prediction would pair with the first gold item by containment
    # and leave the second without its equal.
    preds = {"a.txt": FilePredictions(initiatives=[PredictedInitiative(["智汇宝安·AI直播夜校"], "programme", True),
                                                   PredictedInitiative(["AI直播夜校"], "programme", True)])}
    score = score_predictions(gold, preds).tables["initiatives"]
    assert (score.tp, score.fp, score.fn) == (2, 0, 0)
    # Containment needs a shorter name of at least 3 characters.
    gold = _gold(tmp_path, initiatives=[{"name": "夜校", "kind": "programme", "ai_related": False}])
    preds = {"a.txt": FilePredictions(initiatives=[PredictedInitiative(["AI直播夜校"], "programme", True)])}
    assert score_predictions(gold, preds).tables["initiatives"].tp == 0


def test_articles_are_scored_per_file_and_per_gold_article(tmp_path: Path):
    gold = _gold(tmp_path, articles=[
        {"title": "两个社区签约 AI智习室", "region": "广东省深圳市宝安区", "date": "2026-01-23", "first_chars": "本报讯"},
        {"title": None, "region": "广东省深圳市", "date": None, "first_chars": "又讯"}])
    preds = {"a.txt": FilePredictions(articles=[
        PredictedArticle("又讯 某社区……", None, None, "广东省深圳市福田区"),
        PredictedArticle("本报讯 两个社区……", "两个社区签约AI智习室", "2026-01-23", "广东省深圳市")])}
    figures = score_predictions(gold, preds).articles
    assert figures["articles_per_file"].accuracy == 1.0
    assert (figures["title"].right, figures["title"].total) == (1, 1)  # paired by first_chars, not position
    assert (figures["date"].right, figures["date"].total) == (1, 1)
    assert (figures["region_exact"].right, figures["region_exact"].total) == (0, 2)
    assert (figures["region_consistent"].right, figures["region_consistent"].total) == (2, 2)


def test_clusters_are_scored_pairwise_on_raw_files(tmp_path: Path, capsys):
    """Three reports of one assistant (two outlets, another wording) and a look-alike of another district."""
    raw = tmp_path / "raw"
    raw.mkdir()
    texts = {
        "a.txt": "本报讯（记者 王明）3月2日，深圳市政务服务和数据管理局上线AI政务助手“深小i”，市民可在线咨询。\n",
        "b.txt": "本报讯（记者 李红）3月5日，“深小i”AI政务助手已接入全市政务服务系统，日均答复咨询上万次。\n",
        "c.txt": "本报讯（记者 张强）3月8日，龙岗区上线AI政务助手“龙小i”，为企业提供政策咨询。\n",
    }
    for name, text in texts.items():
        (raw / name).write_text(text, encoding="utf-8")
    clusters = [
        {"cluster": "shenxiaoi", "name": "深小i", "region": "广东省深圳市", "kind": "service",
         "confusable_with": ["longxiaoi"],
         "mentions": [{"file": "a.txt", "surface": "深小i", "evidence": "上线AI政务助手“深小i”"},
                      {"file": "b.txt", "surface": "深小i", "evidence": "“深小i”AI政务助手已接入"}]},
        {"cluster": "longxiaoi", "name": "龙小i", "region": "广东省深圳市龙岗区", "kind": "service",
         "mentions": [{"file": "c.txt", "surface": "龙小i", "evidence": "上线AI政务助手“龙小i”"}]},
    ]
    path = tmp_path / "clusters.json"
    path.write_text(json.dumps(clusters, ensure_ascii=False), encoding="utf-8")
    assert main(["evaluate", "--clusters", str(path), "--raw", str(raw), "--json", str(tmp_path / "s.json")]) == 0
    out = capsys.readouterr().out
    assert "pairwise" in out and "confusable clusters merged: 0" in out
    score = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert score["mentions_matched"] == 3 and score["hits"] == 1 and score["false_merges"] == 0
