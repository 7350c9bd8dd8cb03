"""What a figure counts (aiplus.extract.metric_indicator), by class of phrase; every sentence is our own."""

import pytest

from aiplus.extract.metrics import extract_metrics
from aiplus.records import Article


def indicators(text):
    article = Article("t.txt", "", 0, text, text, "simplified")
    return [m.indicator for m in extract_metrics(article, [], [])]


@pytest.mark.parametrize("text, expected", [
    # the noun after a classifier is the thing counted
    ("全县已有28个村卫生室接入平台。", ["村卫生室"]),
    ("该模型已服务40多个行业。", ["行业"]),
    ("新建5个“智慧养老”服务站点。", ["智慧养老服务站点"]),
    # a relative clause before 的 is passed over
    ("评选出6个取得显著成效的示范项目。", ["示范项目"]),
    # the noun, not the verb that follows it
    ("共有20余家科技企业入驻园区。", ["科技企业"]),
    # an amount, a ratio or a measure followed by a noun
    ("设立不低于50亿元专项基金。", ["专项基金"]),
    ("节省25%以上非诊疗时间。", ["非诊疗时间"]),
    # a figure that ends its clause measures what precedes it
    ("全年培训超3万人次。", ["培训"]),
    ("识别准确率达97%。", ["识别准确率"]),
    ("该项目总投资12亿元。", ["项目总投资"]),
    # an amount written as an attribute keeps the words before it
    ("签约总投资5亿元的智能制造项目。", ["签约总投资"]),
    # a word of scale after the figure says nothing of what is counted
    ("产能将突破十万台规模。", ["产能"]),
    # a verb that leads to the next figure
    ("投入800万元建成15间实验室。", ["投入", "实验室"]),
    # items of an enumeration of figures
    ("在6个街道的18个社区开展试点。", ["街道", "社区"]),
    ("举办50场讲座和30场沙龙。", ["讲座", "沙龙"]),
    # a comparison: the thing measured comes before it
    ("每台设备能耗较传统模式降低30%。", ["每台设备能耗"]),
    # a noun counted without a classifier
    ("惠及20万余居民。", ["居民"]),
    # an aside in brackets right after the figure
    ("新增智算300P（Peta级）。", ["新增智算"]),
])
def test_indicator_by_class_of_phrase(text, expected):
    assert indicators(text) == expected


# ---------------------------------------------------------------- targets (is_target)

def targets(text):
    article = Article("t.txt", "", 0, text, text, "simplified")
    return [(m.value, m.is_target) for m in extract_metrics(article, [], [])]


def test_a_sentence_opening_with_qizhong_goes_on_in_the_mood_of_the_one_before():
    text = "双方计划投资20亿元建设产业园，分三期实施。其中一期约80亩。目前已入驻企业12家。"
    assert targets(text) == [(2e9, True), (3, True), (80, True), (12, False)]


def test_an_original_plan_reaches_its_own_clause_only():
    assert targets("原定招收40人，因报名踊跃扩招至60人。") == [(40, True), (60, False)]


def test_forecast_words():
    assert targets("项目建成后可望年产设备5万台。") == [(50000, True)]
