"""Step 3 (split_articles) on scraped web pages: site chrome, run-on metadata labels, government
information-disclosure blocks, e-paper edition lines, headline groups, bylines naming an outlet, and
news digests.  Every text here is written for the test."""

from __future__ import annotations

from aiplus.ingest.pagemeta import is_chrome_line, label_cuts
from aiplus.ingest.split import split_articles

from samples import normalised_document as _doc


BODY = "某市数据局组织开展人工智能应用培训，全市共有三百名干部参加，培训内容涵盖大模型应用和数据治理。"


def test_site_chrome_lines():
    for line in ("首页", "• A+", "正文复制", "【字体：大 中 小】", "分享到： 微信 微博 QQ", "（此件公开发布）",
                 "上一篇 下一篇", "【打印】【关闭】"):
        assert is_chrome_line(line), line
    for line in ("智慧养老", "首页设计大赛启动", "大中小学生人工智能竞赛"):
        assert not is_chrome_line(line), line


def test_chrome_is_never_the_title():
    text = f"首页\n\n某市启动人工智能应用推广行动\n\n  • A+\n{BODY}\n\n相关新闻\n"
    (art,) = split_articles(_doc(text))
    assert art.title == "某市启动人工智能应用推广行动"


def test_metadata_run_on_after_a_headline_is_cut_off():
    assert label_cuts("某市关于印发人工智能行动方案的通知发布日期：2025-03-02 信息来源：市政府办公室") != []
    # A short label run on after Chinese text cuts only when its value is a number or a date.
    assert label_cuts("项目总投资十亿元，资金来源：财政拨款") == []
    text = (f"某市关于印发人工智能行动方案的通知发布日期：2025-03-02 10:30 信息来源：市政府办公室 浏览次数：\n\n"
            f"各区人民政府，市政府各部门：\n\n{BODY}")
    (art,) = split_articles(_doc(text))
    assert art.title == "某市关于印发人工智能行动方案的通知"
    assert art.published_date == "2025-03-02"


def test_abstract_line_is_not_part_of_the_title():
    text = f"某区推行政务服务智能审批 助力效率提升摘要：精简环节，多环节变一环节。\n{BODY}"
    (art,) = split_articles(_doc(text))
    assert art.title == "某区推行政务服务智能审批 助力效率提升"


def test_counter_and_date_run_on_after_a_long_headline():
    text = ("共育智慧新教师 —— 某区举行人工智能赋能教师发展项目开班仪式暨首期培训活动\n点击:52 发布时间:2025/10/13 8:47:58\n"
            "10月12日上午,某区人工智能赋能教师发展项目开班仪式在某小学举行,来自全市的一百名教师参加培训。\n"
            "会议由某区教师进修学院副院长主持。")
    (art,) = split_articles(_doc(text))
    assert art.title.startswith("共育智慧新教师") and art.title.endswith("首期培训活动")
    assert art.published_date == "2025-10-13"


def test_disclosure_block_is_metadata_of_the_document():
    text = ("索引号： | 11330000000000000T/2024-000001 | 公开方式： | 主动公开\n"
            "发布机构： | 某市数据局 | 成文日期： | 2024-12-20\n"
            "主题分类： | 政务公开 | 发文字号：\n"
            f"{BODY}")
    (art,) = split_articles(_doc(text))
    assert art.title is None
    assert art.published_date == "2024-12-20"  # the date written, as no publication date is given
    assert art.publisher == "某市数据局"


def test_publication_date_goes_before_the_date_written():
    text = ("首页\n> 政务公开 > 文件\n索引号： 0025/2025-0001\n文号： 某政办发〔2025〕8号\n成文日期： 2025-05-13\n"
            "公开方式： 主动公开\n\n某市人民政府办公室关于印发某市人工智能行动计划的通知\n发布日期： 2025-05-15 09:57\n\n"
            "各县（市、区）人民政府：\n\n《某市人工智能行动计划》已经市政府同意，现印发给你们，请认真贯彻执行。\n\n"
            "某市人民政府办公室\n\n2025年5月13日\n\n（此件公开发布）\n\n某市人工智能行动计划\n\n（2025—2027年）\n\n"
            f"{BODY}\n\n一、主要目标\n\n到2027年，培育人工智能应用场景一百个，带动产业规模突破一千亿元。")
    (art,) = split_articles(_doc(text))  # the plan is the notice's attachment, not an article of its own
    assert art.title == "某市人民政府办公室关于印发某市人工智能行动计划的通知"
    assert art.published_date == "2025-05-15"
    assert art.publisher == "某市人民政府办公室"  # the letter's signature, in full


def test_edition_line_and_outlet_byline():
    text = ("正文复制\n\n某某经济报/2025年/11月/21日/第 A01版\n\n立足地方特色 文旅激活发展新动能\n\n某某经济报记者 张三\n\n"
            f"{BODY}")
    (art,) = split_articles(_doc(text))
    assert art.title == "立足地方特色 文旅激活发展新动能"
    assert art.published_date == "2025-11-21"
    assert art.publisher == "某某经济报"


def test_date_line_with_the_source_after_it():
    text = f"某省多地政务系统接入大模型\n2025-02-24 07:17某某新闻·某某日报\n{BODY}"
    (art,) = split_articles(_doc(text))
    assert art.title == "某省多地政务系统接入大模型"
    assert art.published_date == "2025-02-24" and art.publisher == "某某新闻·某某日报"


def test_kicker_is_dropped_and_a_short_tag_is_kept():
    text = (f"第B01版：乐龄\n\n一看就懂 一学就会 符合老人习惯\n\n老年人喜欢这样的智能设备\n\n（新华社资料图）\n\n{BODY}")
    (art,) = split_articles(_doc(text))
    assert art.title == "老年人喜欢这样的智能设备"
    text = f"某某街道\n\n织密防汛安全网\n\n本报讯（记者 李四）{BODY}"
    (art,) = split_articles(_doc(text))
    assert art.title == "某某街道 织密防汛安全网"


def test_headline_printed_whole_and_then_broken_is_one_title():
    text = f"| 某区加强中小学人工智能教育三年行动计划 |\n某区加强中小学人工智能教育\n三年行动计划\n{BODY}"
    (art,) = split_articles(_doc(text))
    assert art.title == "某区加强中小学人工智能教育三年行动计划"


def test_page_that_opens_with_its_repeated_headline():
    headline = "养老机器人来了，能带来什么？"
    text = f"{headline}\n从照料到陪伴，某市探索人机协作养老新模式\n{headline}\n{BODY}"
    (art,) = split_articles(_doc(text))
    assert art.title == headline


def test_dated_web_article_is_not_split_at_its_section_headings():
    text = ("我的位置： 某某号 > 某区 > 文章详情\n\n科技有温度：某区编织智慧养老安全网\n\n转自：某区发布2026-02-08 09:07:28\n\n"
            f"{BODY}\n\n科技守护\n“记忆温度”与“健康防线”\n\n社区医生用眼动筛查平板为老人做认知检查，一次检查只需五分钟。\n\n"
            "智慧融入\n“居家安全”与“机构照护”\n\n独居老人家中安装了烟感报警器和紧急呼叫按钮，全区已覆盖两万户家庭。")
    (art,) = split_articles(_doc(text))
    assert art.title == "科技有温度：某区编织智慧养老安全网"
    assert art.published_date == "2026-02-08"


def test_digest_items_are_articles_of_their_own():
    text = ("文旅下午茶（2024年11月7日）\n\n要闻资讯\n\n"
            "有关部门日前印发意见，推动冰雪运动高质量发展，带动更多群众参与冰雪运动。\n\n"
            "11月6日，某省文化馆年会在某市举办，展示基层公共文化服务成果。\n\n地方动态\n\n"
            "某市天文旅游研究专委会近日成立，现场发布三条天文旅游线路。\n\n今日观点\n\n"
            "近日，一则机器狗在景区负重运垃圾的视频引发网友热议。")
    articles = split_articles(_doc(text))
    assert len(articles) == 4
    assert all(a.title is None and a.published_date == "2024-11-07" for a in articles)
    assert articles[1].text.startswith("11月6日")


def test_one_article_with_a_digest_word_in_its_title_is_not_a_digest():
    text = f"人工智能产业快讯：某市签约十个项目\n\n{BODY}\n\n签约项目涵盖智能制造、智慧医疗等领域。"
    assert len(split_articles(_doc(text))) == 1


def test_digest_items_with_titles_of_their_own():
    text = ("每日要闻速览（第12期）\n\n【某市启动人工智能应用行动】某市近日印发方案，推动人工智能在政务、医疗等领域应用。\n\n"
            "【某县智慧农业示范园开园】某县智慧农业示范园日前开园，园区引入智能灌溉系统。\n\n"
            "【某区举办机器人大赛】某区第三届机器人大赛落幕，两百名学生参赛。")
    articles = split_articles(_doc(text))
    assert [a.title for a in articles] == ["某市启动人工智能应用行动", "某县智慧农业示范园开园", "某区举办机器人大赛"]


def test_page_title_keeps_no_site_name_and_page_numbers_are_furniture():
    text = f"某市举行人工智能产业项目签约仪式_某某市人民政府门户网站\n\n{BODY}\n\n— 2 —\n\n签约项目涵盖智能制造、智慧医疗等领域。"
    (art,) = split_articles(_doc(text))
    assert art.title == "某市举行人工智能产业项目签约仪式"
    assert is_chrome_line("— 2 —") and is_chrome_line("第 3 页 共 8 页") and not is_chrome_line("01")


def test_masthead_of_a_site_names_the_publisher_and_is_not_the_title():
    text = ("某省高级人民法院\n首页 > 法院动态 > 工作动态\n全省法院推进智慧法院建设 人工智能辅助办案覆盖率达95%\n"
            "作者：张某  发布时间：2025-03-18 16:20:11\n"
            "近日，记者从省高级人民法院获悉，全省法院人工智能辅助办案系统已覆盖全省95%的基层法院。\n"
            "据介绍，该系统可自动生成裁判文书初稿。\n上一篇：全省法院召开工作会议")
    (art,) = split_articles(_doc(text))
    assert art.title == "全省法院推进智慧法院建设 人工智能辅助办案覆盖率达95%"
    assert art.publisher == "某省高级人民法院" and art.published_date == "2025-03-18"
    assert art.text.startswith("某省高级人民法院")  # the text names its publisher there


def test_generic_labels_inside_a_disclosure_block_and_the_title_it_names():
    text = ("索引号：11440300007542760T/2025-00123\n分类：科技、教育；通知\n发布机构：某市工业和信息化局\n"
            "成文日期：2025-06-30\n名称：某市工业和信息化局关于印发某市人工智能若干措施的通知\n文号：某工信规〔2025〕6号\n"
            "发布日期：2025-07-02\n主题词：\n"
            "各区工业和信息化主管部门，各有关单位：\n现将《某市人工智能若干措施》印发给你们，请认真贯彻执行。\n"
            "某市工业和信息化局\n2025年6月30日")
    (art,) = split_articles(_doc(text))
    assert art.title == "某市工业和信息化局关于印发某市人工智能若干措施的通知"
    assert art.published_date == "2025-07-02"


def test_wechat_account_line():
    text = ("某区上线AI政务助手 办事材料一次讲清\n原创 某区发布 某区融媒体中心 2025年03月02日 18:00 广东\n"
            "3月1日起，某区政务服务中心正式启用AI政务助手，群众说出想办的事，助手就能列出所需材料。\n"
            "目前，AI政务助手已覆盖12个领域的300余个事项。")
    (art,) = split_articles(_doc(text))
    assert art.title == "某区上线AI政务助手 办事材料一次讲清"
    assert art.publisher == "某区融媒体中心" and art.published_date == "2025-03-02"


def test_numbered_items_of_a_dated_digest():
    text = ("AI日报 | 2025年3月5日\n1. 某省发布人工智能产业发展三年行动计划，提出到2027年核心产业规模突破3000亿元。\n"
            "2. 某市第一人民医院上线AI辅助诊断系统，覆盖肺结节、骨折等12个病种。\n"
            "3. 某县智慧农场用上农业大模型，3000亩水稻实现无人机巡田。")
    articles = split_articles(_doc(text))
    assert len(articles) == 3 and all(a.published_date == "2025-03-05" for a in articles)
    # A newspaper's page under its name and date, with headlined articles, is no digest.
    text = ("某某日报 2025年3月5日\n\n某县智慧农场用上农业大模型\n\n无人机对3000亩水稻进行巡田作业，农业大模型自动识别病虫害。\n\n"
            "农场负责人说，以前巡一遍田要三天，现在半天就够了。")
    assert len(split_articles(_doc(text))) == 1


def test_document_header_of_a_government_body():
    text = ("某某市人民政府办公室文件\n\n某府办发〔2025〕12号\n\n某某市人民政府办公室关于印发某某市人工智能产业发展行动方案的通知\n\n"
            "各区县人民政府，市政府各部门：\n\n《某某市人工智能产业发展行动方案》已经市政府同意，现印发给你们，请认真组织实施。")
    (art,) = split_articles(_doc(text))
    assert art.title == "某某市人民政府办公室关于印发某某市人工智能产业发展行动方案的通知"


def test_question_headline_over_its_outlet_and_age():
    text = ("多地探索AI政务服务 带来哪些新变化？\n\n某某新闻\n\n1周前\n\n"
            f"{BODY}\n\n签约项目涵盖智能制造、智慧医疗等领域。")
    (art,) = split_articles(_doc(text))
    assert art.title == "多地探索AI政务服务 带来哪些新变化？"


def test_an_author_name_under_a_question_headline_is_not_the_title():
    text = (f"多地探索AI政务服务 带来哪些新变化？\n创始人\n2025-03-24 23:01:19\n\n{BODY}\n\n"
            "广东某市\n\n问政策，找AI助手挺方便\n\n市民打开手机应用，AI政务助手很快给出回答。")
    (art,) = split_articles(_doc(text))
    assert art.title == "多地探索AI政务服务 带来哪些新变化？" and art.published_date == "2025-03-24"


def test_contact_lines_and_a_phrase_printed_over_and_over_are_furniture():
    text = ("24小时服务热线\n\n18928448884 / 0755-2592 9959\n\n"
            "某市观察 政务系统拥抱大模型 某市观察 政务系统拥抱大模型 某市观察 政务系统拥抱大模型 更多\n\n"
            "某市观察 政务系统拥抱大模型发出新信号时间: 2025-04-25 17:13:41 | 作者: 某某\n\n"
            f"{BODY}")
    (art,) = split_articles(_doc(text))
    assert art.title == "某市观察 政务系统拥抱大模型发出新信号" and art.published_date == "2025-04-25"


def test_a_headline_ending_like_an_outlet_is_still_a_headline():
    text = f"某某街道\n\n织密防汛安全网\n\n本报讯（记者 李四）{BODY}"
    (art,) = split_articles(_doc(text))
    assert art.title == "某某街道 织密防汛安全网"


def test_headlines_listed_under_related_reading_are_furniture():
    text = (f"某市启动人工智能应用推广行动\n\n{BODY}\n\n相关阅读\n\n某县智慧农场用上农业大模型\n\n"
            "某区养老院引进护理机器人\n\n某市举办机器人大赛")
    (art,) = split_articles(_doc(text))
    assert "养老院" not in art.text and art.text.endswith("数据治理。")
