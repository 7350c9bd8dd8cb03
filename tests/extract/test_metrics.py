"""Metric extraction on real seed sentences (raw/) and small cases of our own."""


import pytest

from aiplus.extract.metrics import extract_metrics, sentence_spans
from aiplus.records import Article, OrganisationMention

from samples import GOLD_DEV, SEEDS


def metrics_of(text, organisations=()):
    article = Article("t.txt", "", 0, text, text, "simplified")
    return extract_metrics(article, list(organisations), [])


def only(text):
    found = metrics_of(text)
    assert len(found) == 1, [(m.surface, m.value, m.unit) for m in found]
    return found[0]


# ---------------------------------------------------------------- seed sentences

def test_over_with_scale_word():
    m = only("据统计,培训超7万人次。")
    assert (m.value, m.unit, m.qualifier, m.is_target) == (70000, "人次", "over", False)
    assert m.surface.endswith("培训超7万人次")
    assert m.indicator == "培训"


def test_seed_sentence_gives_every_figure_with_its_period():
    text = "2025年以来,累计举办相关课程2000余场,培训超7万人次。"
    found = metrics_of(text)
    assert [(m.value, m.unit, m.qualifier) for m in found] == [(2000, "场", "over"), (70000, "人次", "over")]
    assert all(m.period == "2025年以来" for m in found)
    assert all(text[m.start:m.end] == m.evidence == text for m in found)


def test_money_scaled_to_yuan():
    text = "他透露，2025年优必选订单超14亿元，2026年产能将迈入万台规模。"
    orders, capacity = metrics_of(text)
    assert (orders.value, orders.unit, orders.qualifier, orders.is_target) == (1_400_000_000, "元", "over", False)
    assert orders.period == "2025年"
    assert (capacity.value, capacity.unit, capacity.is_target) == (10_000, "台", True)  # bare 万, plan word 将


def test_total_investment_exact_with_da():
    m = only("累计征集场景项目，总投资达2.77亿元。")
    assert (m.value, m.unit, m.qualifier) == (277_000_000, "元", "exact")
    assert m.indicator == "总投资"


def test_chinese_numeral_with_yu():
    m = only("十余个融合人工智能与党群服务应用场景的特色摊位,让市民在感受年味的同时体验智慧生活。")
    assert (m.value, m.unit, m.qualifier) == (10, "个", "over")


def test_percent_range_and_under():
    found = metrics_of("电量低于20%，它通过网络锁定最近换电站，3分钟内完成热插拔换电，能提前1-2周预测设备风险。")
    assert [(m.value, m.value_max, m.unit, m.qualifier) for m in found] == [
        (20, None, "%", "under"), (3, None, "分钟", "under"), (1, 2, "周", "exact")]


def test_ranges_with_the_unit_at_both_ends():
    found = metrics_of("增长10%-20%，投资3万元至5万元。")
    assert [(m.value, m.value_max, m.unit) for m in found] == [(10, 20, "%"), (30000, 50000, "元")]


def test_money_without_yuan_after_a_money_word():
    found = metrics_of("今年产值突破100亿，用户规模突破1亿。")
    assert [(m.value, m.unit, m.qualifier) for m in found] == [(10_000_000_000, "元", "over")]


def test_targets_from_plan_words():
    found = metrics_of("到2027年将实现重点场景智能化服务覆盖率100%。目前已建成9个智能开采工作面。")
    assert [(m.value, m.is_target) for m in found] == [(100, True), (9, False)]


def test_tenths_and_percentage_points():
    found = metrics_of("超过七成学校参与试验，教师备课效率提升四成，原煤灰分降低6到10个百分点。")
    assert [(m.value, m.value_max, m.unit, m.qualifier) for m in found] == [
        (70, None, "%", "over"), (40, None, "%", "exact"), (6, 10, "百分点", "exact")]


def test_full_width_digits_and_scale_inside_unit():
    found = metrics_of("培训超７万人次，准确率９９．８％，装机容量5千瓦，用时3个多月。")
    assert [(m.value, m.unit, m.qualifier) for m in found] == [
        (70000, "人次", "over"), (99.8, "%", "exact"), (5, "千瓦", "exact"), (3, "个月", "over")]


def test_vague_and_bare_scale_counts():
    found = metrics_of("全年开展数百场科普活动，累计突破万学时，近千人参加，上万名志愿者参与。")
    assert [(m.value, m.unit, m.qualifier) for m in found] == [
        (100, "场", "over"), (10000, "学时", "over"), (1000, "人", "about"), (10000, "名", "over")]


def test_figure_stated_twice_is_reported_once():
    found = metrics_of("我市38家智能工厂荣登榜单。“这38家智能工厂,并非简单的数量叠加。”")
    assert len(found) == 1


def test_same_value_for_different_things_is_kept():
    found = metrics_of("职工心理服务“双百工程”将举办100场心理团辅和100场“心灵解忧铺”活动。")
    assert [(m.value, m.unit) for m in found] == [(100, "场"), (100, "场")]


def test_organisation_named_in_sentence_is_attached():
    text = "腾讯自研混元大模型已服务30多个行业。"
    org = OrganisationMention("腾讯", "腾讯", 0, 2, "enterprise")
    (m,) = metrics_of(text, [org])
    assert m.org_name == "腾讯"
    assert (m.value, m.unit, m.qualifier) == (30, "个", "over")


# ---------------------------------------------------------------- what is not a metric

@pytest.mark.parametrize("text", [
    "昨日是第 35个“全国助残日”。",  # ordinal
    "深圳市福田区政协会议委员提案第 2024241 号的回复。",  # identifier
    "在极氪5G智慧工厂，3D透明全息艙再现传统技艺。",  # numbers inside names
    "活动现场发布新春“两图两清单”。",  # name with numerals
    "围绕“20+8”产业集群开展定向培训。",
    "助力“百千万工程”。",
    "以“一基地、一中心、一联盟、百场景、多应用”为支撑。",  # slogan
    "深圳新闻网2026年1月23日讯(记者 李小辉)1月22日下午,活动正式启动。",  # dates
    "会议于上午10时30分在3号楼召开。",  # time of day, building number
    "他今年65岁。",  # age
    "三台县、九台区发布消息。",  # places with numerals
    "厦门园区设在厦门软件园三期F片区。",  # construction phase
    "全面贯彻落实党的二十大及二十届三中全会精神。",  # numbered sessions
    "每万人拥有高价值发明专利。",  # a rate's denominator
    "社区提供一站式服务，免费体验一次。",  # a lone 一
    "打造15分钟便民生活圈，提供7×24小时服务。",  # concept names, "round the clock"
    "保持两位数增长，迎接2026元旦。",  # words that start with a measure word
    "《深圳市行动计划（2026-2027年）》明确提出。",  # year range in a title
])
def test_exclusions(text):
    assert metrics_of(text) == []


# ---------------------------------------------------------------- sentences

def test_sentence_spans_join_lines_broken_by_layout():
    text = "来自陈埭镇的12支小学代表队、700\n多名学生参加比赛。\n\n标题行\n正文。"
    spans = [text[a:b] for a, b in sentence_spans(text)]
    assert spans == ["来自陈埭镇的12支小学代表队、700\n多名学生参加比赛。", "标题行", "正文。"]
    found = metrics_of(text)
    assert [(m.value, m.unit, m.qualifier) for m in found] == [(12, "支", "exact"), (700, "名", "over")]


# ---------------------------------------------------------------- end to end on the seeds

def _seed_articles():
    """Each seed file as one article, prepared independently of the other pipeline steps
    (pinyin annotations stripped, Traditional converted), so that this test measures the
    metric rules only."""
    import re

    from opencc import OpenCC

    pinyin = re.compile(r"(?<=[\u4e00-\u9fff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]+\)")
    t2s = OpenCC("t2s")
    for path in sorted(SEEDS.glob("*.txt")):
        original = pinyin.sub("", path.read_text(encoding="utf-8", errors="replace"))
        text = t2s.convert(original)
        yield Article(path.name, "", 0, text, original, "simplified")


def test_seed_files_score_against_gold():
    from aiplus.evaluate import FilePredictions, PredictedMetric, score_predictions

    preds = {}
    for article in _seed_articles():
        preds[article.source_file] = FilePredictions(metrics=[
            PredictedMetric(m.value, m.value_max, m.unit, m.qualifier, m.is_target, m.indicator, m.evidence,
                            m.surface)
            for m in extract_metrics(article, [], [])])
    result = score_predictions(GOLD_DEV, preds)
    assert result.tables["metrics"].f1 >= 0.95
    assert result.attributes["metric.qualifier"].accuracy >= 0.93
    assert result.attributes["metric.is_target"].accuracy >= 0.93
