"""Numerals inside words, measure words of the reference list, bare and rough counts, dash ranges
(aiplus.extract.metric_words, lexicon/metrics/units.tsv); every sentence is our own."""

import pytest

from aiplus.extract.metrics import extract_metrics
from aiplus.records import Article


def figures(text):
    article = Article("t.txt", "", 0, text, text, "simplified")
    return [(m.value, m.value_max, m.unit) for m in extract_metrics(article, [], [])]


# ---------------------------------------------------------------- numerals inside words

@pytest.mark.parametrize("text", [
    "三台县城管局开展整治，三台城区面貌一新。",  # a county, then its short form
    "九台区召开会议。",  # a district of the gazetteer
    "五家渠市发布通知。",
    "这两天气温回升，那几年发展很快。",  # after a demonstrative
    "企业对平台进行二次开发。",  # 二 before a classifier is an ordinal
    "千家万户用上了智能电表，三天两头有人来咨询。",  # idioms of the segmenter's dictionary
    "该平台实现统一调度，是全省唯一一家试点单位。",  # the numeral ends a word
    "省委十五届五次全会召开。",  # a numbered plenary session
    "东北三省与长三角三省一市开展合作。",  # groups of places, not counts
    "该项目占比三分之一，十分重要。",  # a fraction, "very"
    "会议于8时30分开始。",  # a clock time
    "市民可乘坐5路公交车到达，路口设有指示牌。",  # a bus route
])
def test_numerals_inside_words_are_no_counts(text):
    assert figures(text) == []


def test_place_name_does_not_hide_the_count_after_it():
    assert figures("七台河市新建3座基站。") == [(3, None, "座")]


# ---------------------------------------------------------------- measure words and counted nouns

@pytest.mark.parametrize("text, expected", [
    ("全市1200路视频监控接入平台。", (1200, None, "路")),
    ("累计授课320课次。", (320, None, "课次")),
    ("设备共49箱。", (49, None, "箱")),
    ("考核满分100分。", (100, None, "分")),
    ("覆盖全省11市。", (11, None, "市")),
    ("完成订单3万单。", (30000, None, "单")),
    ("发放贷款1200笔。", (1200, None, "笔")),
    ("年产茶叶2万斤。", (20000, None, "斤")),
    ("工期为180日历天。", (180, None, "天")),
    ("机房面积约3000平米。", (3000, None, "平方米")),
    ("课程涵盖13大类。", (13, None, "类")),
    ("惠及18万多居民。", (180000, None, "居民")),
])
def test_measure_words_of_the_reference_list(text, expected):
    assert figures(text) == [expected]


def test_counted_noun_needs_a_scaled_number():
    assert figures("小区有500居民。") == []


@pytest.mark.parametrize("text, expected", [
    ("打造百所实验校、千名骨干教师。", [(100, None, "所"), (1000, None, "名")]),
    ("全村一两千位村民，二三十名志愿者。", [(1000, 2000, "位"), (20, 30, "名")]),
    ("重量在8—12千克之间，耗时1～2分钟。", [(8, 12, "千克"), (1, 2, "分钟")]),
])
def test_bare_scale_counts_rough_ranges_and_dashes(text, expected):
    assert figures(text) == expected


def test_one_after_an_under_qualifier_is_a_count():
    assert figures("审批不到一天即办结。") == [(1, None, "天")]


# ---------------------------------------------------------------- figures stated twice

def test_a_headline_figure_restated_in_the_body_is_reported_once_from_the_body():
    text = "全区签约12个项目\n总投资88.6亿元\n本报讯 昨日，全区集中签约项目12个，总投资88.6亿元。"
    article = Article("t.txt", "", 0, text, text, "simplified")
    found = extract_metrics(article, [], [])
    assert [(m.value, m.unit) for m in found] == [(12, "个"), (8.86e9, "元")]
    assert all(m.start >= text.index("本报讯") for m in found)


def test_a_short_line_in_the_body_is_no_headline():
    text = "本报讯 昨日，全区举办讲座3场。\n开展培训3场\n共计有关人员参加。"
    assert [f[0] for f in figures(text)] == [3, 3]


@pytest.mark.parametrize("text", [
    "实施千人计划，推进百人工程。",  # programme names
    "百家号平台和千家惠超市参展。",  # brand names
    "1周前发布，3天前更新。",  # time references
    "全年365天不打烊，提供24小时服务。",  # "all year", "round the clock"
])
def test_names_and_time_references(text):
    assert figures(text) == []


@pytest.mark.parametrize("text, qualifier", [
    ("考核总分≥85分的单位予以表彰。", "over"),
    ("单个项目最高补助200万元。", "under"),
    ("误差≤5%。", "under"),
])
def test_qualifiers_written_as_signs_and_ceilings(text, qualifier):
    article = Article("t.txt", "", 0, text, text, "simplified")
    (m,) = extract_metrics(article, [], [])
    assert m.qualifier == qualifier
