"""What a page says about its article besides the article itself: labelled metadata, site chrome,
e-paper edition lines and digest titles.

- Labelled metadata: web pages' source, date, credit and counter lines ("发布时间：…", "来源：…",
  "点击：52"), abstracts ("摘要：…"), and the information-disclosure block of government pages ("索引号：…",
  "发布机构：…", "成文日期：…"); near the top of a page such labels are often run together on one line
  with the headline ("…的通知发布日期：2025-05-15 信息来源：市政府办公室"), which ``label_cuts`` finds.
- Site chrome: lines made only of navigation, widget and sharing words ("首页", "正文复制", "• A+").
- E-paper edition lines: "江苏经济报/2025年/11月/21日/第 A01版", "第B01版：乐龄".
- Digest titles: "文旅下午茶（2024年11月7日）".

The word lists are in ``aiplus/lexicon/ingest/`` (metadata_labels, disclosure_labels, page_furniture,
digest_words, media_suffixes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from aiplus.ingest.wordlists import YES_NO, alternation, table, words
from aiplus.lexicon import longest_first
from aiplus.text import CJK

# ------------------------------------------------------------------ labels


@dataclass(frozen=True)
class Label:
    """A metadata label: its role on a web page (metadata_labels roles, or "disclosure") and, for the
    labels of a government information-disclosure block, what its value gives the article."""

    text: str
    roles: frozenset[str]
    field: str | None = None  # publisher, published, written, title, other (disclosure labels)
    alone: bool = True  # marks a line as metadata by itself (not a generic word such as 名称)


@lru_cache(maxsize=1)
def labels() -> dict[str, Label]:
    """Every metadata label, by its text."""
    roles: dict[str, set[str]] = {}
    for row in table("metadata_labels", role=("date", "line", "source", "abstract")):
        roles.setdefault(row["label"], set()).add(row["role"])
    out = {text: Label(text, frozenset(r)) for text, r in roles.items()}
    for row in table("disclosure_labels", field=("publisher", "published", "written", "title", "other"),
                     alone=YES_NO):
        text = row["label"]
        old = out.get(text)
        out[text] = Label(text, (old.roles if old else frozenset()) | {"disclosure"}, row["field"],
                          row["alone"] == "yes" or old is not None)
    return out


def _spaced(label: str) -> str:
    """A label's pattern, allowing the spaces of justified two-character labels ("摘 要", "日 期")."""
    if len(label) == 2 and all("\u4e00" <= c <= "\u9fff" for c in label):
        return re.escape(label[0]) + r"[ \u3000]?" + re.escape(label[1])
    return re.escape(label)


# A label followed by its colon ("发布日期：", "索引号:"), longest labels first; ASCII labels ("date") are
# not matched inside a word.
LABEL_COLON = re.compile(
    "(?P<label>" + "|".join(_spaced(t) for t in longest_first(labels()) if not t.isascii()) + r")\s*[:：]")
# Labels whose value must be a number or a date when they are run on after other text without a space
# (short generic words: "…项目点击：52" is a counter, "资金来源：财政" is a phrase of the text).
_SHORT = 2


def _unspaced(label: str) -> str:
    return label.replace(" ", "").replace("\u3000", "")


def label_at(text: str, pos: int = 0) -> Label | None:
    """The label that opens ``text[pos:]`` followed by its colon, if any."""
    m = LABEL_COLON.match(text, pos)
    return labels()[_unspaced(m["label"])] if m else None


def label_cuts(line: str) -> list[int]:
    """Offsets in ``line`` before which a run-on metadata label starts ("…的通知发布日期：2025-05-15",
    "…市政府办公室索引号：0025…"), so that the line can be cut into its headline and its metadata.

    A label of three or more characters, an abstract or disclosure label, or one after a space or a
    non-Chinese character cuts anywhere; a short generic label run on after Chinese text only when its
    value is a number or a date ("项目点击：52", not "资金来源：财政拨款")."""
    cuts = []
    for m in LABEL_COLON.finditer(line):
        start = m.start()
        if start == 0:
            continue
        label = labels()[_unspaced(m["label"])]
        before = line[start - 1]
        run_on = "\u4e00" <= before <= "\u9fff"
        specific = len(label.text) > _SHORT or "abstract" in label.roles or "disclosure" in label.roles
        value = line[m.end():].lstrip(" |")
        if specific or not run_on or value[:1].isdigit():
            cuts.append(start)
    return cuts


# The separators between a label's value and the next label in a table row ("索引号： | 0025… | 公开方式：").
_VALUE_STRIP = " \t|｜:："


def labelled_values(line: str) -> list[tuple[Label, str]]:
    """The (label, value) pairs of a line of labelled metadata, in order ("发布机构： | 绍兴市数据局 |
    成文日期： | 2024-12-23" → (发布机构, 绍兴市数据局), (成文日期, 2024-12-23))."""
    cuts = set(label_cuts(line))
    found = [m for m in LABEL_COLON.finditer(line) if m.start() == 0 or m.start() in cuts]
    out = []
    for i, m in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(line)
        out.append((labels()[_unspaced(m["label"])], line[m.end():end].strip(_VALUE_STRIP)))
    return out


def is_disclosure_line(line: str) -> bool:
    """A line of a government information-disclosure block: it opens with a label of the block, one that
    marks a line by itself or followed by another label of the block ("主题分类： | 政务公开 | 发文字号：")."""
    first = label_at(line)
    if first is None or "disclosure" not in first.roles:
        return False
    if first.alone:
        return True
    return sum("disclosure" in label.roles for label, _ in labelled_values(line)) >= 2


# ------------------------------------------------------------------ site chrome


def _furniture(kind: str) -> list[str]:
    return [row["text"] for row in table("page_furniture",
                                         kind=("breadcrumb", "font_size", "widget", "chrome", "photo_note",
                                               "related"))
            if row["kind"] == kind]


RELATED_HEADERS = frozenset(w.casefold() for w in _furniture("related"))
CHROME_WORDS = frozenset(w.casefold() for w in _furniture("chrome")) | RELATED_HEADERS
# What separates the words of a line of chrome: spaces, bullets, bars, slashes, brackets, colons, commas
# (not + and -, which belong to the font-size buttons "A+" and "A-").
CHROME_SEPARATORS = re.compile(r"[\s•·|｜/\\>»›<«‹:：【】\[\]()（）,，、;；—–]+")
CHROME_MAX_CHARS = 80


# The page number of a printed or PDF document, on a line of its own: "— 2 —", "- 12 -", "第 3 页 共 8 页".
PAGE_NUMBER = re.compile(r"^(?:[-—–]+\s*\d{1,3}\s*[-—–]+|第\s*\d{1,3}\s*页(?:\s*[，,/]?\s*共\s*\d{1,3}\s*页)?"
                         r"|共\s*\d{1,3}\s*页|\d{1,3}\s*/\s*\d{1,3})$")


def is_related_header(line: str) -> bool:
    """A line heading a list of links to other articles ("相关阅读", "【推荐阅读】")."""
    return re.sub(r"[\s【】\[\]:：]", "", line).casefold() in RELATED_HEADERS


def is_chrome_line(line: str) -> bool:
    """A line made only of site chrome ("首页", "正文复制", "• A+", "分享到： 微信 微博", "（此件公开发布）"), or a
    printed document's page number ("— 2 —")."""
    if len(line) > CHROME_MAX_CHARS or "。" in line:
        return False
    if PAGE_NUMBER.match(line.strip()):
        return True
    folded = line.casefold().strip()
    if "".join(folded.split()) in CHROME_WORDS:
        return True
    tokens = [t for t in CHROME_SEPARATORS.split(folded) if t]
    return bool(tokens) and all(t in CHROME_WORDS for t in tokens)


# A site's contact line: "24小时服务热线", "咨询热线：0755-2592 9959", "18928448884 / 0755-2592 9959".
CONTACT_LINE = re.compile(r"^(?:\d+\s*(?:小时|h)\s*)?[\u4e00-\u9fff]{0,6}(?:热线|电话|客服|咨询)(?:\s*[:：]?\s*[\d\-/ ()（）]{7,})?$"
                          r"|^(?=.*\d{7})[\d\-/ ()（）]{7,}$")


# Share of a line that a phrase printed over and over must fill for the line to be furniture.
REPEATED_SHARE = 0.7
# Times it must be printed (a headline printed twice on one line is still the headline).
REPEATED_MIN_TIMES = 3


def is_repeated_phrase(line: str) -> bool:
    """A line that is mostly one phrase printed over and over (a scraped tab or breadcrumb: "标题 标题 标题…")."""
    text = "".join(line.split())
    head = text[:4]
    if len(head) < 4 or text.count(head) < REPEATED_MIN_TIMES:
        return False
    size = text.find(head, 4) if len(text) >= 8 else -1
    while 0 < size <= len(text) // 2:
        unit = text[:size]
        if not text.startswith(unit, size):
            size = text.find(head, size + 1)
            continue
        times = 2
        while text.startswith(unit, size * times):
            times += 1
        if times >= REPEATED_MIN_TIMES and size * times >= REPEATED_SHARE * len(text):
            return True
        size = text.find(head, size + 1)
    return False


# A bracketed line that only labels or credits a photo: "（新华社资料图）", "(资料图片)", "（张三 摄）".
PHOTO_NOTE = re.compile(rf"^[（(\[【][^（()）\[\]【】]{{0,24}}(?:{alternation(longest_first(_furniture('photo_note')))})[）)\]】]$")


# ------------------------------------------------------------------ e-paper edition lines

# A newspaper page's edition: "第A01版", "第 B01 版", "A03版", "版次：A01".
EDITION = re.compile(r"第\s*[A-Za-z]?\s*\d{1,3}\s*版|(?<![\u4e00-\u9fff])[A-Za-z]\d{1,3}\s*版|版次\s*[:：]")
EDITION_LINE_MAX_CHARS = 50
# A date whose parts may be split by slashes or spaces, as e-paper lines write it ("2025年/11月/21日").
LOOSE_DATE = re.compile(r"(?P<y>\d{4})\s*年\s*[/-]?\s*(?P<m>\d{1,2})\s*月\s*[/-]?\s*(?P<d>\d{1,2})\s*日")


def is_edition_line(line: str) -> bool:
    """An e-paper's edition line ("江苏经济报/2025年/11月/21日/第 A01版", "第B01版：乐龄")."""
    return len(line) <= EDITION_LINE_MAX_CHARS and bool(EDITION.search(line)) and "。" not in line


# ------------------------------------------------------------------ digests

_DIGEST_ROWS = table("digest_words", outlet_word=YES_NO)
DIGEST_WORD = re.compile(alternation(longest_first(row["word"] for row in _DIGEST_ROWS)))
_OUTLET_DIGEST_WORDS = frozenset(row["word"] for row in _DIGEST_ROWS if row["outlet_word"] == "yes")
# An issue of a periodical digest: a full date or "第12期".
ISSUE = re.compile(r"\d{4}\s*[年/.-]\s*\d{1,2}\s*[月/.-]\s*\d{1,2}|第\s*\d+\s*期")


# A digest word that ends an outlet's name instead ("煤炭资讯网", "某某快报社").
_OUTLET_AFTER = "网社台报"


def is_digest_title(line: str) -> bool:
    """The title of a news digest ("文旅下午茶（2024年11月7日）", "新闻早班车"), not an outlet's name."""
    return digest_word(line) is not None


def digest_word(line: str) -> str | None:
    """The word that makes ``line`` a digest's title, if any."""
    if len(line) > 40 or "。" in line:
        return None
    return next((m.group() for m in DIGEST_WORD.finditer(line)
                 if m.end() >= len(line) or line[m.end()] not in _OUTLET_AFTER), None)


def is_outlet_digest_word(word: str) -> bool:
    """A digest word that also ends newspapers' names (日报, 晚报)."""
    return word in _OUTLET_DIGEST_WORDS


# The end of a page title that names the site rather than the article: "标题_某某网", "标题 - 某某市人民政府".
SITE_NAME_TAIL = re.compile(
    rf"(?:\s+[-–|｜]\s*|\s*[_｜|]\s*)[{CJK}A-Za-z0-9·]{{2,24}}"
    rf"(?:{alternation(longest_first(words('media_suffixes')))}|人民政府|政府|门户网站|网站|官网|官方网站|政务网)$")


def names_issue(line: str) -> bool:
    """Whether a title names an issue (a date or a number): a periodical's."""
    return bool(ISSUE.search(line))


__all__ = ["is_related_header", "CJK", "SITE_NAME_TAIL", "PAGE_NUMBER", "CONTACT_LINE", "is_repeated_phrase", "Label", "labels", "label_at", "label_cuts", "labelled_values", "is_disclosure_line",
           "is_chrome_line", "PHOTO_NOTE", "is_edition_line", "LOOSE_DATE", "is_digest_title", "names_issue"]
