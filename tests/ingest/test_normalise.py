"""Step 2 (normalise_text): pinyin, mojibake, script, folding, reflow, markup — on seed text and small cases."""

from __future__ import annotations


import pytest

from aiplus.ingest.normalise import normalise_document, normalise_text, repair_mojibake, strip_pinyin
from aiplus.ingest.read import read_file

from samples import SEEDS as RAW


def _seed(prefix: str):
    path = next(RAW.glob(f"{prefix}_*.txt"))
    return normalise_document(read_file(path, RAW))


@pytest.fixture(scope="module")
def seed000():
    return _seed("000")


@pytest.fixture(scope="module")
def seed004():
    return _seed("004")


def test_pinyin_stripped_in_seed_000_but_reporter_kept(seed000):
    assert "(wǎng)" not in seed000.original_text and "(qū)" not in seed000.original_text
    assert "(記者 李小輝)" in seed000.original_text
    assert "pinyin_stripped" in seed000.quality_flags
    assert seed000.original_text.startswith("深圳新聞網2026年1月23日訊(記者 李小輝)")


def test_pinyin_rules_on_small_cases():
    assert strip_pinyin("數據中心(shùjùzhōngxīn)集群")[0] == "數據中心集群"
    # Toneless brackets are stripped only beside tone-marked ones; English stays.
    assert strip_pinyin("下载(app)使用")[0] == "下载(app)使用"
    assert strip_pinyin("使用(Qubit)和(AI)")[0] == "使用(Qubit)和(AI)"
    text = "網(wǎng)區(qū)門(mén)的(de)"
    assert strip_pinyin(text)[0] == "網區門的"


def test_mojibake_of_seed_000_is_repaired_and_flagged(seed000):
    assert "?!" not in seed000.text
    assert "皼" not in seed000.original_text and "蛷" not in seed000.original_text
    assert "数字魅力。“没想到科技能让生活这么好玩!”" in seed000.text
    # The character before "?!" is chosen from those ending in byte A3 by the document's own words.
    assert "打造“智汇宝安·AI直播夜校”。" in seed000.text
    assert "mojibake_repaired" in seed000.quality_flags
    # Part of a run fell into GBK's lost bytes: flagged, not guessed.
    assert "mojibake_unrepaired" in seed000.quality_flags


def test_genuine_interrobang_is_not_touched():
    text = "真的吗?!我们去看看人工智能的展览吧。"
    assert repair_mojibake(text) == (text, [])


def test_utf8_read_as_latin1_and_as_gbk_is_repaired():
    latin = "人工智能服务".encode("utf-8").decode("latin-1")
    fixed, flags = repair_mojibake("新闻：" + latin + "。")
    assert fixed == "新闻：人工智能服务。" and flags == ["mojibake_repaired"]
    gbk = "人工智能产业发展".encode("utf-8").decode("gbk")
    fixed, flags = repair_mojibake(gbk)
    assert fixed == "人工智能产业发展" and "mojibake_repaired" in flags


def test_traditional_seed_converted_and_aligned(seed000):
    assert seed000.script == "traditional"
    assert "converted_t2s" in seed000.quality_flags
    assert len(seed000.text) == len(seed000.original_text)
    assert seed000.text.startswith("深圳新闻网2026年1月23日讯(记者 李小辉)")
    assert "宝安区" in seed000.text and "寶安區" in seed000.original_text
    i = seed000.text.index("宝安区")
    assert seed000.original_text[i:i + 3] == "寶安區"


def test_simplified_seed_is_simplified():
    doc = _seed("001")
    assert doc.script == "simplified"
    assert doc.text == doc.original_text


def test_reflow_joins_column_lines_of_seed_004_but_keeps_paragraphs(seed004):
    lines = seed004.text.split("\n")
    assert "reflowed" in seed004.quality_flags
    assert lines[0].startswith("本报讯（记者 阙杨娜）昨日，晋江市领导陈友爱带领晋江市残联")
    assert lines[0].endswith("走访慰问活动。")
    # Seven datelines, each at the start of its own paragraph.
    assert sum(1 for line in lines if line.startswith("本报讯")) == 7
    # A paragraph broken across a column break (blank line) is joined.
    assert "持续打造“美好生活 来去晋江”城市文旅品牌" in seed004.text
    # Gathered headlines stay on lines of their own, apart from the bodies.
    assert "晋江举行" in lines and "龙湖镇第三届邻里生活季开幕" in lines
    # Letter-spaced narrow column and hyphenated word.
    assert "日前，在第八届数字中国建设峰会" in seed004.text
    assert "Deepseek等模型" in seed004.text


def test_reflow_of_seed_002_joins_words_broken_across_blank_lines():
    doc = _seed("002")
    assert "惠民服务:辖区内所有适龄学生" in doc.text
    assert "组成突击队" in doc.text and "相结合的方式" in doc.text
    lines = doc.text.split("\n")
    assert "社区播报" in lines and "振华街道" in lines and "织密防汛安全网" in lines


def test_reflow_moves_a_caption_out_of_a_broken_sentence():
    doc = _seed("001")
    assert "能提前1-2周预测设备风险。”深圳环境水务集团" in doc.text
    assert "\n当前，深圳人工智能飞速发展" in doc.text


def test_headings_and_short_lines_are_not_glued():
    text = "标题一行\n\n正文第一段写完了。\n小标题\n下一段正文开始，继续写。"
    out = normalise_text(text)[0]
    assert out.split("\n") == ["标题一行", "", "正文第一段写完了。", "小标题", "下一段正文开始，继续写。"]


def test_fullwidth_letters_and_digits_folded_but_chinese_punctuation_kept():
    out, original, script, flags = normalise_text("ＡＩ大模型服务１２３家企业，增长５０％。（试点）")
    assert out == "AI大模型服务123家企业，增长50%。（试点）"
    assert "fullwidth_folded" in flags and script == "simplified"


def test_markup_residue_dropped_and_spaces_collapsed():
    out, _, _, flags = normalise_text("# 标题\n\n**园岭街道**打造品牌，  服务  居民。\n- 实施项目一\n- 实施项目二")
    assert out.split("\n") == ["标题", "", "园岭街道打造品牌，服务 居民。", "实施项目一", "实施项目二"]
    assert "markup_removed" in flags


def test_figures_lose_layout_spaces():
    out = normalise_text("提案第 2024241 号\n\n2024 年 9 月 10 日")[0]
    assert out == "提案第2024241号\n\n2024年9月10日"


def test_seed_003_broken_quote_is_joined_and_sections_stay_apart():
    doc = _seed("003")
    assert "“智能穿戴——脑机结合的科技力量”等内容" in doc.text
    assert "三、关于创新推动党建引领，提升党员服务质量的建议" in doc.text.split("\n")
    assert "打造、创建“一社区一科普品牌”。" in doc.text


def _wrap(paragraph: str, width: int) -> str:
    return "\n".join(paragraph[i:i + width] for i in range(0, len(paragraph), width))


def test_column_wrapped_paragraphs_are_restored():
    paragraphs = [
        "本报讯（记者 张三）昨日，某区举办人工智能应用培训班，共有来自各街道的一百二十名干部参加学习。",
        "培训围绕大模型基础知识、政务场景应用等内容展开，力争到2026年，实现全区干部培训全覆盖。",
        "区有关负责人表示：下一步将持续开展系列培训，推动人工智能技术在基层治理中落地见效。",
    ]
    text = "\n\n".join(_wrap(p, 10) for p in paragraphs)
    out, original, script, flags = normalise_text(text)
    assert [line for line in out.split("\n") if line] == paragraphs
    assert "reflowed" in flags
