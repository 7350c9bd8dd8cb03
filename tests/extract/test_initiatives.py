"""Initiatives: names, kinds, AI relation, domains, dedupe and organisation roles.

Sentences are taken from the seeds in raw/ (in Simplified script, as the
normaliser hands them over) or written for the test.
"""

from __future__ import annotations


import pytest

from aiplus.extract.initiative_candidates import deployment_candidates
from aiplus.extract.initiatives import extract_initiatives
from aiplus.records import Article, OrganisationMention

from samples import SEEDS as RAW


def article(text: str, published: str | None = None) -> Article:
    return Article("t.txt", "0" * 64, 0, text, text, "simplified", published_date=published)


def org(text: str, name: str, org_type: str = "enterprise") -> OrganisationMention:
    start = text.index(name)
    return OrganisationMention(name, name, start, start + len(name), org_type)


def by_name(records, fragment: str):
    hits = [r for r in records if fragment in r.name or any(fragment in a for a in r.aliases)]
    assert hits, f"no initiative with {fragment!r} in {[r.name for r in records]}"
    return hits[0]


def test_quoted_night_school_is_an_ai_education_programme():
    text = ("当天活动现场还举办一场重要共建签约仪式——在智美·汇志园区党群服务中心嵌入式打造“智汇宝安·AI直播夜校”。"
            "与此同时，宝安依托各级党群服务中心，全域推进“AI薪火夜课堂”，以“群众下班、课堂开班”的延时服务模式，"
            "面向新就业群体、流动党员、社区居民等开展公益性AI技能培训。")
    records = extract_initiatives(article(text), [])
    school = by_name(records, "AI直播夜校")
    assert school.name == "智汇宝安·AI直播夜校"
    assert (school.kind, school.ai_related, school.domain) == ("programme", True, "education")
    assert by_name(records, "AI薪火夜课堂").kind == "programme"
    # the generic phrase "AI技能培训" is not an initiative
    assert not any("技能培训" in r.name for r in records)


def test_signing_makes_a_partnership_with_partners_and_the_facility():
    text = ("近日,平城区开源街道民和社区、民懋社区与佐管家科技发展(上海)有限公司正式签订AI智习室社区惠民战略合作协议,"
            "一场以“空间换服务”为核心的政企协同实践,为社区教育服务注入全新活力。"
            "开源街道AI智习室的落地成为街道推动党群服务中心实现全时段、多功能利用的鲜活样板。")
    company = org(text, "佐管家科技发展(上海)有限公司")
    community = org(text, "民懋社区", "community")
    records = extract_initiatives(article(text), [company, community])
    deal = by_name(records, "战略合作协议")
    assert deal.kind == "partnership" and deal.ai_related
    assert ("佐管家科技发展(上海)有限公司", "partner") in deal.organisations
    assert ("民懋社区", "partner") in deal.organisations
    room = by_name(records, "开源街道AI智习室")
    assert room.kind == "facility" and room.ai_related and room.domain == "education"


def test_quoted_plan_is_a_programme_and_plan_as_verb_is_ignored():
    text = "第十九届“圆梦计划”再度扬帆起航，全年计划补贴专本科学历提升4000人次，开展公益性技能培训17500人次。"
    records = extract_initiatives(article(text), [])
    assert len(records) == 1 and records[0].name.endswith("圆梦计划")  # 第十九届圆梦计划 or 圆梦计划
    assert records[0].kind == "programme" and not records[0].ai_related


def test_titled_action_plan_is_an_ai_policy_without_inner_quotes():
    text = ("《深圳市“人工智能+”先进制造业行动计划（2026-2027年）》明确提出，以“一基地、一中心、一联盟、百场景、多应用”为支撑，"
            "推动重点行业领域人工智能商业化规模化应用。")
    plan = by_name(extract_initiatives(article(text), []), "先进制造业行动计划")
    assert plan.name == "深圳市人工智能+先进制造业行动计划（2026-2027年）"
    assert (plan.kind, plan.ai_related, plan.domain) == ("policy", True, "manufacturing")


@pytest.mark.parametrize("text", [
    "营造“全民懂AI、人人会用AI”氛围。",  # slogan
    "举办素质教育讲座500场。",  # a category counted, not one undertaking
    "党群服务中心不再只是开会的地方、办事的窗口，更成为了孩子们的“第二课堂”、居民的“共享空间”。",  # metaphors
    "社区提供党群服务中心活动场地，企业投入智能教学设备。",  # 活动场地 is not an activity
    "深圳和而泰智能董事长刘建伟计划依托合作中心，推进农业等体系建设。",  # 计划 the verb
])
def test_generic_phrases_slogans_and_metaphors_are_rejected(text):
    assert extract_initiatives(article(text), []) == []


def test_one_record_per_initiative_with_short_forms_as_aliases():
    text = ("在3月9日召开的全体会议上，深圳市总工会2026年服务职工十项实事正式发布。\n\n"
            "### 服务职工10项实事\n\n- 实施职工心理服务“双百工程”\n\n职工心理服务“双百工程”将举办100场心理团辅。")
    records = extract_initiatives(article(text), [])
    names = [r.name for r in records]
    assert len([n for n in names if "实事" in n]) == 1
    assert len([n for n in names if "双百工程" in n]) == 1
    assert by_name(records, "双百工程").name == "职工心理服务双百工程"


def test_observance_day_and_its_activity_are_both_kept_with_dates():
    text = "昨日是第35个“全国助残日”，池店镇“牵手同行·共筑友爱”公益助残主题活动在镇级综合文化中心举办。"
    records = extract_initiatives(article(text, "2025-05-19"), [])
    day = by_name(records, "全国助残日")
    assert day.kind == "event" and day.domain == "disability"
    activity = by_name(records, "公益助残主题活动")
    assert activity.kind == "event" and activity.start_date == "2025-05-18"


def test_coordinated_names_joined_by_ji_are_one_event():
    text = "5月9日至11日，第三届数字乡村论坛暨智慧农业博览会将在本市举行。"
    records = extract_initiatives(article(text, "2024-04-30"), [])
    assert len(records) == 1
    expo = records[0]
    assert expo.name == "第三届数字乡村论坛暨智慧农业博览会"
    assert expo.kind == "event" and expo.ai_related and expo.start_date == "2024-05-09"


def test_organiser_and_operator_roles_from_the_sentence():
    text = "由市财政局党委主办，兴业银行晋江支行党支部承办的“强基赋能促提升”党务干部培训班在晋江经验馆开展。"
    organiser = org(text, "市财政局党委", "party")
    operator = org(text, "兴业银行晋江支行党支部", "party")
    course = by_name(extract_initiatives(article(text), [organiser, operator]), "党务干部培训班")
    assert course.name == "强基赋能促提升党务干部培训班"
    assert dict(course.organisations) == {"市财政局党委": "organiser", "兴业银行晋江支行党支部": "operator"}


def test_seed_files_give_evidence_spans_that_match_the_text():
    from aiplus.ingest.normalise import normalise_document
    from aiplus.ingest.read import read_file
    from aiplus.ingest.split import split_articles

    total = 0
    for path in sorted(RAW.glob("*.txt")):
        for art in split_articles(normalise_document(read_file(path, RAW))):
            for r in extract_initiatives(art, []):
                total += 1
                assert art.text[r.start:r.end] == r.evidence
                assert r.kind in {"programme", "event", "campaign", "service", "facility", "policy",
                                  "partnership", "competition", "other"}
                assert r.name and len(r.name) <= 50
    assert total >= 60


def test_back_references_and_counted_categories_add_no_records():
    text = ("1月22日下午，“智汇宝安 遇见AI”党群共建幸福生活市集活动在福永街道正式启动。"
            "据悉，这场春节期间的AI嘉年华并非一次性的科技秀。累计举办相关课程2000余场，开展事前预防活动50场。")
    records = extract_initiatives(article(text, "2026-01-23"), [])
    assert [r.name for r in records] == ["智汇宝安 遇见AI党群共建幸福生活市集活动"]
    assert records[0].start_date == "2026-01-22" and records[0].kind == "event"


def test_region_from_a_place_at_the_start_of_the_name():
    text = "当天，“晋江市蓝丝带关爱中心项目建设”获捐赠200万元。"
    art = article(text, "2025-05-19")
    art.region_name, art.region_code = "福建省泉州市晋江市", "350582"
    record = by_name(extract_initiatives(art, []), "蓝丝带关爱中心")
    assert record.kind == "facility"
    assert record.region_code == "350582"


def test_verbs_inside_names_and_counts_before_them():
    text = ("推动算力资源统筹调度，建设市级公共数据开放平台。某集团与某大学签订战略合作框架协议，双方将共建人工智能联合实验室。"
            "福州、厦门、泉州三个省级人工智能产业园授牌仪式在大会上举办。")
    names = {r.name: r for r in extract_initiatives(article(text), [])}
    assert "市级公共数据开放平台" in names
    lab = by_name(list(names.values()), "人工智能联合实验室")  # 共建… (a partnership) or the lab itself
    assert lab.kind == ("partnership" if lab.name.startswith("共建") else "facility")
    assert names["某大学战略合作框架协议"].kind == "partnership"
    assert names["省级人工智能产业园"].kind == "facility"  # the count 三个 is not part of the name
    assert names["省级人工智能产业园授牌仪式"].kind == "event"  # its ceremony is reported apart


def test_a_model_deployment_is_named_by_what_is_done_unless_many_places_do_it():
    # (sentences of the kind local news wrote in 2025, when government systems took up DeepSeek)
    text = ("近日，多地政务系统纷纷接入DeepSeek模型。2月16日，某市宣布全市政务系统全面启用DeepSeek大模型。"
            "该区政务服务数据管理局在政务外网部署上线全尺寸模型，率先完成DeepSeek-R1:671B全尺寸大模型的本地化部署应用。"
            "区人民医院今年年初“尝鲜”DeepSeek，还接入了通义千问。")
    names = [r.name for r in extract_initiatives(article(text), [])]
    for name in ("启用DeepSeek大模型", "部署上线全尺寸模型", "DeepSeek-R1:671B全尺寸大模型本地化部署", "尝鲜DeepSeek"):
        assert name in names, (name, names)
    # Every model family of the list is a candidate; whether a name is kept is the accept model's to decide.
    assert "接入通义千问" in [c.name for c in deployment_candidates(text)]
    assert "接入DeepSeek模型" not in names  # many places at once: no one undertaking
    deployment = by_name(extract_initiatives(article(text), []), "启用DeepSeek大模型")
    assert deployment.ai_related and deployment.evidence == "2月16日，某市宣布全市政务系统全面启用DeepSeek大模型。"
