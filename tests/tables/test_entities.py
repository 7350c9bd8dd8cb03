"""One entity per real-world initiative: the same undertaking reported by several articles is one entity; an
event's next edition, another district's service and a district's own deployment beside the city's are not."""

from __future__ import annotations

import pandas as pd

from aiplus.tables.entities import link_entities

CITY = ("广东省深圳市", "440300")
FUTIAN = ("广东省深圳市福田区", "440304")
LONGGANG = ("广东省深圳市龙岗区", "440307")
NANSHAN = ("广东省深圳市南山区", "440305")


def _tables(reports: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``initiatives`` and ``articles`` rows for reports given as {article, name, evidence, kind, date, region…}."""
    articles, initiatives = {}, []
    for n, r in enumerate(reports):
        aid = r["article"]
        region = r.get("article_region", CITY)
        articles.setdefault(aid, {"article_id": aid, "source_file": f"{aid}.txt", "publisher": r.get("publisher"),
                                  "published_date": r.get("date"), "region_name": region[0],
                                  "region_code": region[1], "text": r.get("text", r.get("evidence", r["name"]))})
        own = r.get("region")
        initiatives.append({"initiative_id": f"i_{n:016x}", "article_id": aid, "name": r["name"],
                            "aliases": r.get("aliases", []), "kind": r.get("kind", "service"), "ai_related": True,
                            "region_name": own[0] if own else None, "region_code": own[1] if own else None,
                            "start_date": None, "evidence": r.get("evidence", r["name"])})
    return pd.DataFrame(initiatives), pd.DataFrame(list(articles.values()))


def _groups(reports: list[dict]) -> list[set[str]]:
    initiatives, articles = _tables(reports)
    ids, rows = link_entities(initiatives, articles)
    groups: dict[str, set[str]] = {}
    for (_, r), entity in zip(initiatives.iterrows(), ids):
        groups.setdefault(entity, set()).add(r["article_id"])
    assert {row["entity_id"] for row in rows} == set(ids)
    return sorted(groups.values(), key=lambda g: sorted(g))


def test_one_service_reported_by_several_outlets_is_one_entity():
    groups = _groups([
        {"article": "a", "name": "深小i", "evidence": "政务服务大模型AI政务助手“深小i”上线", "date": "2025-02-22"},
        {"article": "b", "name": "AI政务助手深小i", "evidence": "“深小i”是市政务服务和数据管理局打造的AI政务助手",
         "date": "2025-03-24"},
        {"article": "c", "name": "深小i", "evidence": "全国首个面向公众的实用型AI政务助手“深小i”正式上线",
         "date": "2026-01-20", "article_region": FUTIAN},
    ])
    assert groups == [{"a", "b", "c"}]


def test_the_same_figure_and_place_link_two_wordings_of_one_programme():
    groups = _groups([
        {"article": "a", "name": "AI数智员工", "evidence": "福田区率先推出AI数智员工，首批70名上岗", "region": FUTIAN},
        {"article": "b", "name": "政务AI新员工", "evidence": "福田区宣布首批70名政务AI“新员工”已经正式上岗",
         "region": FUTIAN},
    ])
    assert groups == [{"a", "b"}]


def test_a_date_in_another_sentence_naming_the_report_links_it():
    # Article b names the service twice and dates it only in the sentence that is not its evidence.
    b_text = ("近日，深圳市基于政务云环境面向全市各区各部门正式提供DeepSeek模型应用服务。"
              "2月16日，深圳基于政务云向全市各区各部门正式提供DeepSeek模型应用服务。")
    reports = [
        {"article": "a", "name": "启用DeepSeek大模型", "evidence": "2月16日，深圳宣布全市政务系统全面启用DeepSeek大模型。",
         "region": CITY},
        {"article": "b", "name": "提供DeepSeek模型应用服务", "evidence": b_text.split("。")[0] + "。", "text": b_text,
         "region": CITY},
    ]
    assert _groups(reports) == [{"a", "b"}]
    # The same two reports without the second sentence share no date: nothing links them.
    reports[1]["text"] = reports[1]["evidence"]
    assert _groups(reports) == [{"a"}, {"b"}]


def test_another_district_and_the_city_wide_service_are_other_entities():
    groups = _groups([
        {"article": "a", "name": "AI政务服务", "evidence": "福田区上线AI政务服务", "region": FUTIAN},
        {"article": "b", "name": "AI政务服务", "evidence": "龙岗区上线AI政务服务", "region": LONGGANG},
        {"article": "c", "name": "AI政务服务", "evidence": "深圳市上线AI政务服务", "region": CITY},
    ])
    assert groups == [{"a"}, {"b"}, {"c"}]


def test_two_similarly_named_communities_in_one_city_stay_apart():
    groups = _groups([
        {"article": "a", "name": "南山区AI社区", "evidence": "南山区AI社区揭牌", "region": NANSHAN},
        {"article": "b", "name": "龙岗区AI社区", "evidence": "龙岗区AI社区揭牌", "region": LONGGANG},
    ])
    assert groups == [{"a"}, {"b"}]


def test_the_next_edition_of_an_event_is_another_entity():
    groups = _groups([
        {"article": "a", "name": "2025人工智能创新大赛", "kind": "competition", "date": "2025-05-01"},
        {"article": "b", "name": "2025人工智能创新大赛", "kind": "competition", "date": "2025-06-01"},
        {"article": "c", "name": "2026人工智能创新大赛", "kind": "competition", "date": "2026-05-01"},
        {"article": "d", "name": "第二届人工智能创新大赛", "kind": "competition", "date": "2026-05-02"},
        {"article": "e", "name": "第三届人工智能创新大赛", "kind": "competition", "date": "2027-05-02"},
    ])
    assert {"a", "b"} in groups and {"c"} in groups or {"c", "d"} in groups
    assert not any({"d", "e"} <= g for g in groups) and not any({"a", "c"} <= g for g in groups)


def test_two_initiatives_of_one_article_are_never_merged():
    groups = _groups([
        {"article": "a", "name": "AI福务管家", "evidence": "福田区的AI政务服务“AI福务管家”", "region": FUTIAN},
        {"article": "a", "name": "AI数智员工", "evidence": "福田区AI数智员工，首批70名", "region": FUTIAN},
        {"article": "b", "name": "AI数智员工", "evidence": "福田区AI数智员工，首批70名", "region": FUTIAN},
        {"article": "c", "name": "AI福务管家", "evidence": "福田区“AI福务管家”上线", "region": FUTIAN},
    ])
    assert sorted(map(sorted, groups)) == [["a", "b"], ["a", "c"]]


def test_keys_are_stable_when_an_article_is_added():
    base = [
        {"article": "a", "name": "深小i", "evidence": "AI政务助手“深小i”上线", "date": "2025-02-22"},
        {"article": "b", "name": "AI夜校", "evidence": "南山区AI夜校开班", "region": NANSHAN, "date": "2025-03-01"},
    ]
    initiatives, articles = _tables(base)
    before, _ = link_entities(initiatives, articles)
    grown = base + [{"article": "c", "name": "深小i", "evidence": "“深小i”接入DeepSeek", "date": "2025-04-01"}]
    initiatives, articles = _tables(grown)
    after, rows = link_entities(initiatives, articles)
    assert list(after[:2]) == list(before)  # the older reports keep their entities' keys
    assert after[2] == after[0]
    row = next(r for r in rows if r["entity_id"] == after[0])
    assert row["n_reports"] == 2 and str(row["first_reported"]) == "2025-02-22" \
        and str(row["last_reported"]) == "2025-04-01"


def test_duckdb_judges_every_candidate_pair_as_the_python_rules_do():
    """The pairs DuckDB links (PAIR_*_SQL plus ``name_score``) are exactly those ``link_score`` scores at the
    threshold or more, with the same scores, on the seeds' reports and on hand-made ones that exercise every
    veto and every kind of evidence."""
    import numpy as np

    from aiplus.ingest.read import discover_files
    from aiplus.runtime.batch import process_batch
    from aiplus.tables.build import build_tables
    from aiplus.tables.entities import (LINK_THRESHOLD, _arrow, _from_row, _prepare, connect, link_score,
                                        report_tokens, scored_pairs)
    from samples import SEEDS

    result = process_batch(discover_files(SEEDS), SEEDS)
    tables, _ = build_tables(result.documents, result.extractions)
    hand_initiatives, hand_articles = _tables([
        {"article": "h1", "name": "第三届AI大赛", "evidence": "2024年第三届AI大赛开幕", "kind": "competition",
         "date": "2024-05-01"},
        {"article": "h2", "name": "第四届AI大赛", "evidence": "2025年第四届AI大赛开幕", "kind": "competition",
         "date": "2025-05-01"},
        {"article": "h3", "name": "AI数智员工", "evidence": "福田区推出AI数智员工70名", "region": FUTIAN},
        {"article": "h4", "name": "AI数智员工", "evidence": "龙岗区推出AI数智员工70名", "region": LONGGANG},
        {"article": "h5", "name": "数智员工服务平台", "evidence": "深圳推出数智员工服务平台，2月16日上线70名"},
        {"article": "h6", "name": "数智员工平台", "evidence": "数智员工平台2月16日上线", "region": CITY},
    ])
    for initiatives, articles in ((tables["initiatives"], tables["articles"]), (hand_initiatives, hand_articles)):
        reports = report_tokens(_arrow(initiatives.drop(columns=["entity_id"], errors="ignore")), _arrow(articles))
        with connect() as con:
            con.register("reports", reports)
            _prepare(con)
            pairs, _ = scored_pairs(con)
            by_idx = {r["idx"]: _from_row(r) for r in con.sql("SELECT * FROM r").to_arrow_table().to_pylist()}
            candidates = con.sql("SELECT i, j FROM pairs").fetchall()
        expected = set()
        for i, j in candidates:
            a, b = by_idx[i], by_idx[j]
            if a.initiative_id > b.initiative_id:
                a, b, i, j = b, a, j, i
            if link_score(a, b) >= LINK_THRESHOLD:
                expected.add((i, j))
        assert {tuple(p) for p in pairs.tolist()} == expected
        assert len(candidates) > len(expected) > 0
        assert np.all(np.diff([-link_score(by_idx[i], by_idx[j]) for i, j in pairs.tolist()]) >= 0)


def test_a_group_vetoes_another_exactly_when_some_pair_of_their_reports_is_vetoed():
    # Union-find asks about whole groups (sets of articles, places, years, editions); the answer must be
    # the pairwise one, whatever the mix of stated and inherited places, event years and editions.
    import random

    from aiplus.tables.entities import _GroupFacts, _Veto, vetoed

    rng = random.Random(7)
    regions = [None, CITY[1], FUTIAN[1], LONGGANG[1], "110000"]
    for _ in range(3000):
        reports = [_Veto(rng.choice("abcdefgh"), rng.choice(["service", "event", "programme"]), rng.choice(regions),
                         rng.random() < 0.5, rng.choice([None, None, "2024", "2025"]), rng.choice([None, None, "1", "2"]))
                   for _ in range(rng.randint(2, 7))]
        cut = rng.randint(1, len(reports) - 1)
        group_a, group_b = reports[:cut], reports[cut:]
        facts_a, facts_b = _GroupFacts(group_a[0]), _GroupFacts(group_b[0])
        for r in group_a[1:]:
            facts_a.absorb(_GroupFacts(r))
        for r in group_b[1:]:
            facts_b.absorb(_GroupFacts(r))
        expected = any(vetoed(x, y) for x in group_a for y in group_b)
        assert facts_a.vetoes(facts_b) == expected, (group_a, group_b)
