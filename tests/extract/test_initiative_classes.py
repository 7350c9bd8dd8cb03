"""Initiatives by class of text: the generous candidates, the learned accept model and the kinds.

Every sentence here is written for the test, in the style of local news and government reports.
"""

from __future__ import annotations

import pytest

from aiplus.extract.classifier import use_model
from aiplus.extract.initiative_candidates import find_candidates
from aiplus.extract.initiative_features import features_of_groups
from aiplus.extract.initiative_kinds import KINDS, learned_kind, use_kind_model
from aiplus.extract.initiative_names import head_at_end
from aiplus.extract.initiatives import MODEL_NAME, candidate_names, extract_initiatives
from aiplus.records import Article


def article(text: str, published: str | None = "2025-03-01") -> Article:
    return Article("t.txt", "0" * 64, 0, text, text, "simplified", published_date=published)


def names_of(text: str) -> dict[str, object]:
    return {r.name: r for r in extract_initiatives(article(text), [])}


def holding(records: dict, fragment: str):
    hits = [r for name, r in records.items() if fragment in name or any(fragment in a for a in r.aliases)]
    assert hits, f"no initiative with {fragment!r} in {list(records)}"
    return hits[0]


# ---------------------------------------------------------------- classes of names


@pytest.mark.parametrize("text, fragment, kind", [
    # a fund set up by a government and its partners
    ("会上，市财政局与两家银行共同设立规模50亿元的人工智能产业投资基金，重点投向算力和机器人企业。",
     "人工智能产业投资基金", "programme"),
    # an innovation centre named in quotes, and a platform built with it
    ("该区将在科创园落地“数智未来创新中心”，打造区域人工智能公共服务平台。", "数智未来创新中心", "facility"),
    # a computing centre under construction
    ("位于高新区的城市云计算中心一期工程已完成主体施工，预计年底投用。", "城市云计算中心", None),
    # a meeting that deploys work
    ("会上还举行了全市智慧养老工作推进会，部署下一阶段任务。", "智慧养老工作推进会", "event"),
    ("近日，本市召开人工智能产业发展座谈会。", "人工智能产业发展座谈会", "event"),
    # named digital staff (a service), quoted
    ("区政务服务数据管理局推出“AI数字员工”，首批30名上岗，承担公文校对、政策问答等工作。", "AI数字员工", "service"),
    # a course titled in 《》 and its head word after the title
    ("该校开设的《人工智能通识》课程深受学生欢迎。", "人工智能通识", "programme"),
])
def test_names_of_each_class_are_found(text, fragment, kind):
    record = holding(names_of(text), fragment)
    if kind:
        assert record.kind == kind


def test_reforms_listed_together_share_their_status():
    records = names_of("全市正着力推进数据要素市场化配置改革、政务服务综合窗口改革。")
    assert "数据要素市场化配置改革" in records and "政务服务综合窗口改革" in records


def test_an_amount_before_a_facility_is_not_part_of_its_name():
    records = names_of("活动现场，10家企业签约入驻，总投资20亿元建设新能源汽车零部件产业园。")
    assert "新能源汽车零部件产业园" in records


def test_a_ceremony_of_a_project_is_reported_apart_from_the_project():
    records = names_of("3月5日，东城区人工智能产业园项目开工仪式在园区举行。")
    park = holding(records, "东城区人工智能产业园")
    ceremony = records["东城区人工智能产业园项目开工仪式"]
    assert park is not ceremony and park.kind == "facility" and ceremony.kind == "event"
    assert ceremony.start_date == "2025-03-05"


def test_an_event_named_after_another_is_a_second_initiative():
    # the signing event of an expo is not the expo
    records = names_of("3月5日，第三届智能制造博览会重点项目集中签约活动在会展中心举行。")
    signing = holding(records, "集中签约活动")
    assert signing.kind == "event"
    assert "第三届智能制造博览会" not in [signing.name, *signing.aliases]


def test_a_short_name_with_no_head_stays_an_alias_of_its_activity():
    text = "社区开展“暖心任务卡”打卡活动，居民完成任务可兑换积分。"
    records = names_of(text)
    assert len([r for r in records.values() if "暖心任务卡" in r.name or "暖心任务卡" in r.aliases]) == 1


def test_a_name_spelt_with_a_place_put_in_is_one_initiative():
    text = ("滨江机器人制造基地正式投产。记者走进滨江机器人宁海制造基地，看到生产线满负荷运转，"
            "滨江机器人宁海制造基地年产机器人2万台。")
    records = names_of(text)
    bases = [r for r in records.values() if r.name.endswith("制造基地")]
    assert len(bases) == 1


# ---------------------------------------------------------------- the candidates and the model


def test_generous_candidates_carry_the_checks_they_failed():
    text = "区里启动“智慧社区”建设，并将与高校共建智能制造研究院。"
    ruled = find_candidates(text)
    generous = find_candidates(text, generous=True)
    assert {c.name for c in ruled if not c.flags} <= {c.name for c in generous}
    flagged = {c.name: c.flags for c in generous if c.flags}
    assert any("model_head" in f for f in flagged.values())  # 研究院 and 建设 are model-only heads


def test_nominal_heads_name_something_only_right_after_a_quotation():
    assert head_at_end("智慧社区建设") is None  # 建设 never ends a name inside a quotation
    names = {c.name for c in find_candidates("区里启动“智慧社区”建设。", generous=True)}
    assert "智慧社区建设" in names
    assert not any(n.endswith("建设") for n in
                   (c.name for c in find_candidates("区里加快推进产业园区建设。", generous=True)))


def test_without_a_model_the_rules_alone_decide():
    text = "会上，市财政局设立人工智能产业投资基金。该校开设的《人工智能通识》课程深受学生欢迎。"
    with use_model(MODEL_NAME, None):
        ruled = {r.name for r in extract_initiatives(article(text), [])}
    assert not any("基金" in n for n in ruled)  # 基金 is a model-only head
    assert any("基金" in n for n in names_of(text))


def test_features_are_named_classes_not_the_text_of_a_name():
    text = "区政务服务数据管理局推出“AI数字员工”，首批30名上岗。近日，本市召开人工智能产业发展座谈会。"
    units = candidate_names(article(text), [])
    assert units
    for name, features, kind_features in units:
        assert all(name not in f for f in features)
        assert all(name not in f for f in kind_features)
        assert all(v == 1.0 for v in features.values())


def test_names_nest_in_the_features():
    text = "3月5日，东城区人工智能产业园项目开工仪式在园区举行。"
    from aiplus.extract.initiatives import _filter_candidates, _group

    groups = _group(_filter_candidates(find_candidates(text, True), text, [], True))
    features = features_of_groups(groups, text, [])
    assert "holds_rule" in features["东城区人工智能产业园项目开工仪式"]
    assert "inside_rule" in features["东城区人工智能产业园"]


def test_the_kind_model_decides_only_for_names_with_no_head():
    class Always:
        def predict(self, features):
            return "competition"

    with use_kind_model(Always()):
        assert learned_kind("某某智能平台", "", "service", "head", False) == "service"
        assert learned_kind("晋快办", "", "programme", "quote", True) == "competition"
    with use_kind_model(None):
        assert learned_kind("晋快办", "", "programme", "quote", True) == "programme"
    assert set(KINDS) >= {"programme", "event", "service", "facility", "policy"}


# ---------------------------------------------------------------- kinds and AI relation


@pytest.mark.parametrize("text, name, kind", [
    # a named information system is a service
    ("去年，区城管局上线了智慧城管巡查系统，路面问题自动派单。", "智慧城管巡查系统", "service"),
    # a project invested in is a facility being built
    ("活动现场共签约5个项目，其中滨湖新能源电池生产项目总投资20亿元，预计明年投产。", "滨湖新能源电池生产项目", "facility"),
    # an edition in brackets does not hide the head of a document's title
    ("近日，《南湖区人工智能企业扶持申报指南（2025年）》正式发布。", "南湖区人工智能企业扶持申报指南（2025年）", "policy"),
])
def test_kinds_by_class(text, name, kind):
    assert names_of(text)[name].kind == kind


def test_digital_services_are_ai_related():
    record = names_of("区里开通了企业诉求网上服务平台，企业可在线提交诉求。")["企业诉求网上服务平台"]
    assert record.ai_related and record.kind == "service"
