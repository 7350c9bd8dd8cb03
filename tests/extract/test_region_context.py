"""Regions an article is about when the places it names need context: same-name districts, the outlet's
home region, places inside organisation names, development zones.  Every text here is written for the
test."""

from __future__ import annotations

from aiplus.extract.region_context import city_rank, outlet_region
from aiplus.extract.regions import find_region_mentions, resolve_article_region, resolve_region


def test_districts_the_gazetteer_holds_under_every_city_of_their_name():
    assert resolve_region("江北区", "重庆市") == ("重庆市江北区", "500105")
    assert resolve_region("江北区", "浙江省宁波市") == ("浙江省宁波市江北区", "330205")
    assert resolve_region("渝北区") == ("重庆市渝北区", "500112")


def test_same_name_district_told_apart_by_the_city_written_before_it():
    text = "深夜，重庆市江北区的城市运行管理平台发出警报。江北区城管队员赶到现场处置，江北区智慧城管系统不断升级。"
    assert resolve_article_region(text) == ("重庆市江北区", "500105")


def test_same_name_district_told_apart_by_another_place_of_its_city():
    text = "宁波市推进智慧城管建设。江北区上线城市运行平台，江北区城管队员使用智能终端巡查。"
    assert resolve_article_region(text) == ("浙江省宁波市江北区", "330205")


def test_same_name_district_told_apart_by_the_outlet():
    assert outlet_region("南方+") == "440000"
    text = "白云区启用热线智能办理平台。白云区的市民拨打热线求助，白云区热线中心每年办理二十万件诉求。"
    assert resolve_article_region(text, "南方+") == ("广东省广州市白云区", "440111")


def test_same_name_district_with_nothing_to_tell_them_apart_goes_to_the_larger_city():
    text = "普陀区民政局推进智慧养老，普陀区为独居老人安装智能设备。"
    assert resolve_article_region(text) == ("上海市普陀区", "310107")
    assert city_rank(("440000", "440100", "440111"), False) > city_rank(("520000", "520100", "520113"), False)


def test_outlet_named_in_the_text_weighs_half_a_mention():
    text = "【香港商报网讯】记者 某某 报导：深圳职业技术学院人工智能学院揭牌成立，学院将培养技术技能人才。"
    assert resolve_article_region(text, "香港商报网") == ("广东省深圳市", "440300")


def test_district_name_inside_a_company_name_is_not_the_place():
    text = ("记者实地探访位于北京市昌平区的福田康明斯发动机工厂。福田康明斯发动机工厂引入机器人搬运料箱，"
            "福田康明斯的工程师介绍，北京的机器人创新中心参与了测试。")
    assert resolve_article_region(text) == ("北京市昌平区", "110114")


def test_a_county_short_form_is_kept_when_its_province_is_named_or_no_other_is():
    assert resolve_article_region("三台引入智能识别技术。四川三台县城管局介绍，三台全县已安装摄像头。")[0] \
        == "四川省绵阳市三台县"
    assert resolve_article_region("余姚举全市之力建设机器人小镇，余姚小镇已签约项目三十九个。")[0] == "浙江省宁波市余姚市"


def test_two_character_district_names_are_words_unless_their_city_is_named():
    assert [m.surface for m in find_region_mentions("济南市中区宣布接入大模型，中区街道也在试点。")] == ["济南市"]


def test_development_zone_below_its_city():
    text = ("西安高新区持续探索政务服务智能秒批。西安高新区政务服务中心介绍，西安高新区已上线智能审批事项一百项。"
            "西安市相关部门表示将推广经验。")
    assert resolve_article_region(text) == ("陕西省西安市西安高新区", "610100")
    text = "武汉经开区一所小学开设人工智能课程。武汉经开区教育局表示，全区学校都将开课。"
    assert resolve_article_region(text) == ("湖北省武汉市武汉经开区", "420100")


def test_a_zone_named_once_does_not_move_an_article_about_a_district():
    text = ("沈阳市皇姑区举行投资促进大会。皇姑区发布四大新场景，皇姑区签约项目总金额五百亿元。"
            "沈阳首府经济开发区介绍了园区规划。")
    assert resolve_article_region(text) == ("辽宁省沈阳市皇姑区", "210105")


def test_state_level_new_area_under_its_city():
    assert resolve_region("西海岸新区") == ("山东省青岛市西海岸新区", "370200")


def test_an_article_that_names_no_place_is_placed_by_its_outlet():
    text = "市数据局牵头推进政务服务增值化改革，我市将培育人工智能典型应用场景不少于40个。"
    assert resolve_article_region(text) == (None, None)
    assert resolve_article_region(text, "大众日报") == ("山东省", "370000")


def test_street_written_like_a_place_of_another_city():
    text = "硚口区汉中街道长寿社区老龄化程度高。汉中街道立足实际推进智慧养老，汉中街道将长寿社区试点列为重点工程。"
    assert resolve_article_region(text) == ("湖北省武汉市硚口区汉中街道", "420104")


def test_a_county_short_form_stays_when_the_other_province_is_only_named_short():
    text = "余杭举办人工智能大会，北京的专家出席。余杭的企业展示了机器人。"
    assert resolve_article_region(text) == ("浙江省杭州市余杭区", "330110")


def test_places_referred_to_by_abbreviation_or_literary_name():
    assert resolve_article_region("今年前三季度，近3000万人次访港，同比增长约四成。")[0] == "香港特别行政区"
    assert resolve_article_region("八闽大地上，人工智能产业加快发展，多个产业园挂牌。")[0] == "福建省"
    # 在渝 is not read inside 在渝中区.
    assert resolve_article_region("开班仪式在渝中区某小学举行，渝中区教委主任致辞。")[0] == "重庆市渝中区"
