"""Regions: full names and 6-digit codes, short forms resolved by context, article regions."""

from __future__ import annotations

import pytest

from aiplus.extract.regions import find_region_mentions, find_streets, region_of_name, resolve_article_region, resolve_region


@pytest.mark.parametrize("name, full, code", [
    ("宝安区", "广东省深圳市宝安区", "440306"),
    ("平城区开源街道", "山西省大同市平城区开源街道", "140213"),  # a district created in 2018
    ("深圳", "广东省深圳市", "440300"),
    ("光明区", "广东省深圳市光明区", "440311"),
    ("黔东南州", "贵州省黔东南苗族侗族自治州", "522600"),
    ("上海市徐汇区", "上海市徐汇区", "310104"),  # a municipality is not written twice
    ("仙桃市", "湖北省仙桃市", "429004"),  # county-level city directly under the province
    ("晋江市池店镇", "福建省泉州市晋江市池店镇", "350582"),
    ("哈尔滨新区", "黑龙江省哈尔滨市哈尔滨新区", "230100"),  # a new area takes its city's code
])
def test_resolve_region(name, full, code):
    assert resolve_region(name) == (full, code)


def test_ambiguous_name_resolved_by_context():
    assert resolve_region("朝阳区", "吉林省长春市") == ("吉林省长春市朝阳区", "220104")
    assert resolve_region("朝阳区", "北京市") == ("北京市朝阳区", "110105")


def test_region_of_an_organisation_name():
    assert region_of_name("深圳市总工会") == ("广东省深圳市", "440300")
    assert region_of_name("深圳市福田区城市管理和综合执法局") == ("广东省深圳市福田区", "440304")
    assert region_of_name("优必选") == (None, None)


def test_common_words_and_landmarks_are_not_places():
    text = "盘活资源，和安全生产；景区位于云台山风景区，位于山西省吕梁山麓汾阳市三泉镇。"
    found = {m.surface for m in find_region_mentions(text)}
    assert "资源" not in found and "和安" not in found and "台山" not in found
    assert "吕梁" not in found
    assert {"山西省", "汾阳市"} <= found


def test_company_registration_place_in_brackets_is_ignored():
    assert find_region_mentions("与佐管家科技发展(上海)有限公司签约") == []


def test_streets_and_towns():
    found = [name for _, _, name in find_streets("前往梅岭街道、池店镇开展活动，城镇化和各街道，成为街道推动")]
    assert found == ["梅岭街道", "池店镇"]


def test_article_region_from_seed_text():
    text = ("深圳新闻网2026年1月23日讯(记者 李小辉)1月22日下午,宝安区“智汇宝安 遇见AI”党群共建幸福生活市集活动"
            "在福永街道智美·汇志园区党群服务中心正式启动。宝安区以区街联动、党群共建形式启动活动。"
            "活动现场发布新春“两图两清单”，宝安区西乡街道、新安街道等地同步开展。")
    assert resolve_article_region(text, "深圳新闻网") == ("广东省深圳市宝安区", "440306")


def test_article_region_down_to_street():
    text = ("本报讯(记者 段雨萌)近日,平城区开源街道民和社区、民懋社区与佐管家科技发展(上海)有限公司正式签订协议。"
            "开源街道AI智习室的落地成为街道推动党群服务中心利用的样板。更是开源街道盘活党群服务中心资源的缩影。")
    assert resolve_article_region(text) == ("山西省大同市平城区开源街道", "140213")


def test_article_region_stays_at_the_level_the_text_supports():
    # One city, two districts named once each: the article is about the city.
    text = "深圳给出了答案。家住龙岗的市民李女士说。图为南山区一家科技公司。深圳推出20条举措。深圳人工智能飞速发展。"
    assert resolve_article_region(text, "深圳特区报") == ("广东省深圳市", "440300")
    # A province with several of its cities: the article is about the province.
    text = "福建推动人工智能发展。福州、厦门、泉州三个产业园授牌。福建出台政策。"
    assert resolve_article_region(text) == ("福建省", "350000")


def test_article_region_with_document_context():
    text = "昨日是第35个全国助残日，池店镇公益助残主题活动举办。池店镇相关负责人表示，池店镇将持续推进行动计划。"
    assert resolve_article_region(text) == (None, None)
    assert resolve_article_region(text, None, "福建省泉州市晋江市") == ("福建省泉州市晋江市池店镇", "350582")
