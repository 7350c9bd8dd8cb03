"""Organisations by class of text, on short sentences written for these tests: government sub-units and
departments, short and official forms of one body, outlets in datelines and bylines, enumerations of
partners and settlers, the body of a party unit, types, and what names no body."""

from __future__ import annotations

import pytest

from aiplus.extract.classifier import use_model
from aiplus.extract.organisation_model import MODEL_NAME, features, propose
from aiplus.extract.organisations import extract_organisations
from aiplus.records import Article


def article(text: str, publisher: str | None = None, region: str | None = None) -> Article:
    return Article("t.txt", "0" * 64, 0, text, text, "simplified", publisher=publisher, region_name=region)


def names(text: str, **kw) -> dict[str, str]:
    """name → org_type of every mention (the rules alone decide), after checking each mention's offsets."""
    a = article(text, **kw)
    out = {}
    with use_model(MODEL_NAME, None):
        for m in extract_organisations(a):
            assert a.text[m.start:m.end] == m.surface
            out[m.name] = m.org_type
    return out


def surfaces(text: str, **kw) -> dict[str, str]:
    """surface → canonical name of every mention."""
    with use_model(MODEL_NAME, None):
        return {m.surface: m.name for m in extract_organisations(article(text, **kw))}


# Government sub-units: brigades and squads (支队, 大队, 一大队), offices (车管所, 管理处), health posts.
@pytest.mark.parametrize("text, expected, org_type", [
    ("临江区城市管理综合行政执法支队队员当天巡查了三条街道。", "临江区城市管理综合行政执法支队", "government"),
    ("青山县综合行政执法二大队副大队长介绍了处置经过。", "青山县综合行政执法二大队", "government"),
    ("走进平阳市车管所，智能机器人正在回答群众咨询。", "平阳市车管所", "government"),
    ("东湖区南门社区卫生服务中心的医生上门随访。", "东湖区南门社区卫生服务中心", "healthcare"),
    ("活动由南岭县石桥镇新村卫生站承办。", "南岭县石桥镇新村卫生站", "healthcare"),
    ("会议由云阳区教师进修学院副院长主持。", "云阳区教师进修学院", "education"),
    ("平阳县数字城管指挥中心主任告诉记者，系统已上线。", "平阳县数字城管指挥中心", "government"),
])
def test_government_and_public_sub_units(text, expected, org_type):
    found = names(text)
    assert found.get(expected) == org_type


# Departments named by their function, with or without a place (科技厅: the province's own).
def test_departments_with_and_without_place():
    found = names("近日，科技厅、经济和信息化厅、财政厅联合发布通知。普宁县民政局积极实践。")
    assert found.get("科技厅") == "government"
    assert found.get("经济和信息化厅") == "government"
    assert found.get("财政厅") == "government"
    assert found.get("普宁县民政局") == "government"  # 政局 is a common word, 民政局 a department


def test_department_short_form_is_the_department():
    by_surface = surfaces("余庆县卫生健康局组织培训。会上，卫健局负责人介绍了村医的需求。")
    assert by_surface["卫健局"] == "余庆县卫生健康局"


def test_official_and_usual_forms_are_one_body():
    by_surface = surfaces("东阳市人民政府办公室印发方案。市政府办公室要求，市人民政府各部门抓好落实，市政府将定期督查。"
                          "安吉县人民检察院上线助手。安吉县检察院介绍，效率提升明显。")
    assert by_surface["市政府办公室"] == "东阳市人民政府办公室"
    assert by_surface["市政府"] == by_surface["市人民政府"]
    assert by_surface["安吉县检察院"] == "安吉县人民检察院"


# Outlets where news names its sources.
@pytest.mark.parametrize("text, outlet", [
    ("【南城日报讯】记者王某报道：首只产业基金落地。", "南城日报"),
    ("东海晨报、东海发展网讯 记者李某报道 为深化改革，", "东海发展网"),
    ("技术合作与商业化落地。\n（东海晨报记者 俞某）", "东海晨报"),
    ("据北方新闻网报道，该市上线了智能平台。", "北方新闻网"),
    ("西江经济报/2025年/11月/21日/第 A01版\n立足地方特色，", "西江经济报"),
])
def test_outlets_in_datelines_bylines_and_sources(text, outlet):
    assert names(text).get(outlet) == "media"


def test_an_outlet_naming_itself_is_no_organisation():
    found = names("本报讯（记者 张某）近日，本网记者走访了多个社区。")
    assert "本报" not in found and "本网" not in found


# Enumerations of parties, settlers and investors.
def test_firms_counted_after_an_enumeration():
    found = names("首期计划引入星辰智控、海蓝光电、云帆航天3家企业，逐步打造产业链。")
    assert {"星辰智控", "海蓝光电", "云帆航天"} <= set(found)
    assert found["海蓝光电"] == "enterprise"


def test_parties_counted_after_an_enumeration():
    found = names("16日，东江工行、工银资本、恒远控股三方签约，共同组建产业基金。")
    assert {"东江工行", "工银资本", "恒远控股"} <= set(found)


def test_enumeration_of_known_firms_takes_its_other_items():
    found = names("园区汇聚腾讯、蓝海数制、华为等一批行业领军企业。")
    assert {"腾讯", "蓝海数制", "华为"} <= set(found)


def test_enumerations_of_industries_and_counts_are_not_firms():
    found = names("重点发展智能制造、生物医药等企业。该区聚集了10余所高校、250余家科研机构。"
                  "机器人还可在负载能力、作业精度、任务执行效率三方面提升。")
    for not_org in ("智能制造", "生物医药", "250余家科研机构", "作业精度", "任务执行效率"):
        assert not_org not in found


# The body named in the name of its party organisation; a post in it (党委书记) is the body's.
def test_party_unit_names_its_body_too():
    found = names("南湖区人民医院党委承办了本次活动。")
    assert found.get("南湖区人民医院党委") == "party"
    assert found.get("南湖区人民医院") == "healthcare"
    found = names("南湖区人民医院党委书记表示，将持续推进合作。")
    assert found.get("南湖区人民医院") == "healthcare"
    assert "南湖区人民医院党委" not in found


# Types: a unit takes its parent's type; a local government's centre is government.
@pytest.mark.parametrize("text, expected, org_type", [
    ("江北文理学院科研管理处处长出席仪式。", "江北文理学院科研管理处", "education"),
    ("河西省旅游学会天文旅游专委会发布报告。", "河西省旅游学会天文旅游专委会", "association"),
    ("市教师发展中心主任受邀指导。", "市教师发展中心", "government"),
    ("河西省装备制造职教集团是首批示范单位。", "河西省装备制造职教集团", "association"),
])
def test_types_from_parent_and_place(text, expected, org_type):
    assert names(text).get(expected) == org_type


# What names no body: generic heads, document numbers, verbs that end like heads, places named after bodies.
def test_generic_heads_document_numbers_and_places_are_not_organisations():
    found = names("该基地由县属国企旗下全资子公司投资建设。按照教育部办公厅《通知》（教基厅函〔2024〕32号）要求，"
                  "教村医们学会使用智能助手。家住北航社区的老人很满意。")
    for not_org in ("全资子公司", "教基厅", "教村医们学会", "北航"):
        assert not_org not in found
    assert found.get("教育部办公厅") == "government"


def test_bank_branch_named_by_its_place():
    found = names("当天，广东建行与多家企业签约。")
    assert "广东建行" in found


def test_candidates_have_general_features_only():
    """The model's features name properties of a candidate, never its own text."""
    text = "首期计划引入星辰智控、海蓝光电、云帆航天3家企业。"
    p = propose(article(text))
    for c in p.candidates:
        name = text[c.start:c.end]
        for f in features(c, p):
            assert name not in f


# Official documents: issuers, recipients and copy lists.
def test_issuers_and_recipients_of_official_documents():
    found = names("中共东川市委办公室 东川市人民政府办公室关于印发《行动方案》的通知\n"
                  "抄送：市人大常委会办公室，市政协办公室，市中级人民法院，市人民检察院。")
    assert found.get("中共东川市委办公室") == "party"
    assert found.get("东川市人民政府办公室") == "government"
    for body in ("市人大常委会办公室", "市政协办公室", "市中级人民法院", "市人民检察院"):
        assert found.get(body) == "government"


def test_procurement_parties_and_vocational_schools():
    found = names("采购人名称：南湖市第二人民医院\n采购代理机构：南湖华信招标代理有限公司\n"
                  "该院与市第一中学、县职业中专共建实训基地。")
    assert found.get("南湖市第二人民医院") == "healthcare"
    assert found.get("南湖华信招标代理有限公司") == "enterprise"
    assert found.get("县职业中专") == "education"


def test_places_whose_names_start_with_a_function_word():
    found = names("与和平区教育局签约。和林格尔新区管委会介绍了进展。")
    assert found.get("和平区教育局") == "government"
    assert found.get("和林格尔新区管委会") == "government"


def test_outlet_in_title_marks_and_branch_of_a_known_body():
    found = names("据《东南快报》报道，中国人民银行广州分行与该村股份经济合作社开展合作。")
    assert found.get("东南快报") == "media"
    assert found.get("中国人民银行广州分行") == "government"  # the central bank's branch, not a firm
    assert "股份经济合作社" not in found  # a village's collective, named by its village only


def test_bodies_named_by_their_head_alone_and_generic_departments():
    found = names("活动由市妇联、团市委、市残联联合主办。各地教育局要加强统筹。")
    assert found.get("团市委") == "association"
    assert "教育局" not in found  # the bureaus of every place: none in particular
