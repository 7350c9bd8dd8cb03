"""The word lists of the organisation rules (``lexicon/organisations``) and the heads that end a name.

``resources()`` holds what is built once from them: the heads by suffix and their automaton, the
gazetteer and its automaton, the word sets.  The patterns and sets below read the smaller tables
(context, legal and type words); the character classes of names stay here as code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from aiplus.lexicon import alternation, cell_words, word_pattern, words_of
from aiplus.extract.segment import ARTICLE_WORDS, CharAutomaton
from aiplus.lexicon import read_table, read_words


CJK = "\u4e00-\u9fff"
IS_CJK = re.compile(f"[{CJK}]")
# Characters a name may be made of: Chinese, Latin letters and digits, a middle dot, and
# brackets around a place or 集团 (佐管家科技发展(上海)有限公司).
NAME_CHARS = re.compile(rf"^[{CJK}A-Za-z0-9·\-—]+$")
# Segmenter tags of words that never sit inside a name: prepositions, conjunctions, particles,
# adverbs, pronouns, time and number words, locatives, interjections.
STOP_TAGS = frozenset("p c u uj ul uz ug ud uv d r y e o t m q mq f ad".split())
# Tags of names and proper nouns (places, people, brands, abbreviations).
NAME_TAGS = frozenset("nr nrt nrfg nz ns nt j eng".split())
_ORGS = "organisations/"
# One-character prefixes that make a short form of a local body (市总工会, 区科协, 省工信厅).
ADMIN_CHARS = frozenset(read_words(_ORGS + "admin_chars.tsv"))
MAX_NAME_CHARS = 30
MAX_TOKENS_LEFT = 10
# Legal or business words that may follow a brand from the gazetteer (优必选科技, 比亚迪集团), in order.
BRAND_TAILS = tuple(read_words(_ORGS + "brand_tails.tsv"))
_CONTEXT = _ORGS + "context_words.tsv"
_LEGAL = _ORGS + "legal_words.tsv"


@dataclass(frozen=True)
class Head:
    """A row of lexicon/organisations/suffixes.tsv (see its header for the columns)."""

    suffix: str
    org_type: str
    unit: bool  # may be part of a larger body (…支行党支部)
    strict: str = ""  # "yes", or the prefix length below which the name needs a proper element
    min_prefix: int = 0
    min_name: int = 0
    alone_after_noun: bool = False
    not_after_bare_place: bool = False
    department: str = ""  # a department head (民政局, 卫健委): the full stem it names (民政, 卫生健康)
    department_head: str = ""  # and the head after the stem (局, 委)
    alone: bool = False  # the head alone names the body of the article's place (团市委)

    @property
    def bare(self) -> bool:
        """Whether the head alone names a body (科技厅, 财政局: the department of the article's government;
        团市委)."""
        return bool(self.department) or self.alone

    def is_strict(self, prefix: str) -> bool:
        """Whether a name with this head and this part before it must carry a proper element."""
        return self.strict == "yes" or (self.strict.isdigit() and len(prefix) < int(self.strict))


def _head_of_row(row: dict[str, str]) -> Head:
    return Head(row["suffix"], row["org_type"], row["role"] == "unit", row["strict"], int(row["min_prefix"] or 0),
                 int(row["min_name"] or 0), row["alone_after_noun"] == "yes", row["not_after_bare_place"] == "yes",
                 alone=row["alone"] == "yes")


@dataclass
class Resources:
    """What the organisation rules build once from the lexicon."""

    heads: list[Head]  # longest suffix first
    not_heads: frozenset[str]
    boundary: frozenset[str]
    generic_names: frozenset[str]
    generic_modifiers: frozenset[str]
    inner_words: frozenset[str]
    head_automaton: CharAutomaton
    head_by_suffix: dict[str, Head]
    gazetteer: dict[str, tuple[str, str]]  # surface → (canonical, org_type)
    automaton: CharAutomaton
    longest_head: int = 8  # characters of the longest head
    head_last_chars: frozenset[str] = frozenset()  # the characters heads end with
    not_head_last_chars: frozenset[str] = frozenset()  # the characters the words of not_heads end with


def department_heads(listed: set[str]) -> list[Head]:
    """A head for every department name made of a stem or short form (departments.tsv) and a department
    head (department_heads.tsv), unless suffixes.tsv lists it: 民政局, 卫健委, 卫生健康委员会, 教育部."""
    out: dict[str, Head] = {}
    dept_heads = [(row["head"], int(row["min_stem"] or 1)) for row in read_table(_ORGS + "department_heads.tsv")]
    for row in read_table(_ORGS + "departments.tsv"):
        for stem in [row["stem"], *cell_words(row["short"])]:
            for head, min_stem in dept_heads:
                suffix = stem + head
                if len(stem) >= min_stem and suffix not in listed and suffix not in out:
                    out[suffix] = Head(suffix, row["org_type"] or "government", False, department=row["stem"],
                                       department_head=head)
    return list(out.values())


# Words of the official name of a body that its usual name leaves out (人民政府 → 政府, 人民法院 → 法院),
# and a head's long form with its short form (委员会 → 委): two names equal but for these are one body.
OFFICIAL_WORDS = tuple((row["official"], row["usual"]) for row in read_table(_ORGS + "official_words.tsv"))
# The full stem of a department for each of its stems and short forms (卫健 → 卫生健康).
DEPARTMENT_STEMS = {stem: row["stem"] for row in read_table(_ORGS + "departments.tsv")
                    for stem in [row["stem"], *cell_words(row["short"])]}


# The names of the heads and of the gazetteer's forms among ARTICLE_WORDS.
HEAD_WORDS = "organisation heads"
GAZETTEER_WORDS = "organisation gazetteer"


@lru_cache(maxsize=1)
def resources() -> Resources:
    """The heads, gazetteer and word sets, built once."""
    heads = [_head_of_row(row) for row in read_table(_ORGS + "suffixes.tsv")]
    heads += department_heads({h.suffix for h in heads})
    heads.sort(key=lambda h: -len(h.suffix))
    head_automaton = CharAutomaton((h.suffix, h.suffix) for h in heads)
    gazetteer: dict[str, tuple[str, str]] = {}
    for row in read_table(_ORGS + "gazetteer.tsv"):
        if row["form"] not in gazetteer:
            gazetteer[row["form"]] = (row["canonical"] or row["form"], row["org_type"])
    automaton = CharAutomaton((form, form) for form in gazetteer)
    # (an article is searched for heads and gazetteer bodies in the walk that finds initiative heads too)
    ARTICLE_WORDS.register(HEAD_WORDS, (h.suffix for h in heads))
    ARTICLE_WORDS.register(GAZETTEER_WORDS, gazetteer)
    generic = _ORGS + "generic_names.tsv"
    not_heads = frozenset(read_words(_ORGS + "not_heads.tsv"))
    return Resources(heads, not_heads,
                     frozenset(read_words(_ORGS + "boundary_words.tsv")),
                     frozenset(words_of(generic, "role", "name")), frozenset(words_of(generic, "role", "modifier")),
                     frozenset(read_words(_ORGS + "inner_words.tsv")),
                     head_automaton, {h.suffix: h for h in heads}, gazetteer, automaton,
                     max(len(h.suffix) for h in heads), frozenset(h.suffix[-1:] for h in heads),
                     frozenset(w[-1:] for w in not_heads))


def ends_with_common_word(word: str, res: Resources) -> bool:
    """Whether the word ends in a common word that ends like a head (格局, 举办: not_heads.tsv)."""
    return _ends_with_common_word_cached(word)


@lru_cache(maxsize=65536)
def _ends_with_common_word_cached(word: str) -> bool:
    """A common word that a longer head holds is no common word there (政局 in 民政局, 财政局)."""
    res = resources()
    if word[-1:] not in res.not_head_last_chars:
        return False  # (no common word ends with this character: most words)
    not_heads = res.not_heads
    for k in range(0, max(0, len(word) - 1)):
        if word[k:] in not_heads:
            head = longest_head(word)
            return head is None or len(head.suffix) <= len(word) - k
    return False


def ends_with_head(word: str, res: Resources) -> bool:
    """Whether the word ends in an organisation head."""
    return longest_head(word) is not None


@lru_cache(maxsize=65536)
def longest_head(word: str) -> Head | None:
    """The longest head the word ends with."""
    res = resources()
    if word[-1:] not in res.head_last_chars:
        return None  # (no head ends with this character: most words)
    by_suffix = res.head_by_suffix
    for k in range(min(len(word), res.longest_head), 0, -1):
        head = by_suffix.get(word[-k:])
        if head is not None:
            return head
    return None


def head_of(word: str, res: Resources) -> Head | None:
    """The head of a name, None when it ends in a common word instead."""
    if _ends_with_common_word_cached(word):
        return None
    return longest_head(word)


# Parts of legal words that the segmenter tags as set phrases (有限责任): they stay in a name.
LEGAL_PARTS = tuple(words_of(_LEGAL, "role", "legal_part"))
# A word after a known body's name that makes the whole a place (北航社区).
PLACE_AFTER_NAME = re.compile("|".join(word_pattern(row["word"], row) for row in read_table(_CONTEXT)
                                       if row["class"] == "place_after_name"))
# Ends of the canonical names of bodies whose branches are named by place (广东工行).
BRANCH_BY_PLACE = tuple(words_of(_CONTEXT, "class", "branch_by_place"))
# What follows an issuer's abbreviation in a document number (教基厅函〔2024〕32号).
DOCUMENT_NUMBER = re.compile(f"(?:{alternation(words_of(_CONTEXT, 'class', 'document_number'))})\\s*\\d{{4}}")
# Words that open a party body's full name before its place (中共泉州市委办公室).
NAME_OPENINGS = frozenset(words_of(_CONTEXT, "class", "name_opening"))
# The heads of the party organisation of a body (…公司党委, …中心党支部).
PARTY_UNITS = frozenset(words_of(_CONTEXT, "class", "party_unit"))
# Characters no organisation's name holds: the plural of persons (村医们学会 is no 学会).
NOT_IN_NAME = frozenset("们")
# Words a name may hold in brackets besides a place (…(集团)股份有限公司).
IN_BRACKETS = frozenset(words_of(_LEGAL, "role", "in_brackets"))


# One-character words that open a clause before a name (据市城市管理局, 以平煤神马集团).
LEADING_FUNCTION_CHARS = frozenset(words_of(_CONTEXT, "class", "leading_function_char"))
# A head followed by one of these is part of an event or a title (国际博物馆日, 全国助残日).
NOT_AFTER_HEAD = re.compile("|".join(word_pattern(row["word"], row) for row in read_table(_CONTEXT)
                                      if row["class"] == "not_after_head"))
# Conjunctions inside a government body's name (科技和工业信息化局); a name never starts with one.
CONJUNCTIONS = frozenset(words_of(_CONTEXT, "class", "conjunction"))
# Tokens a name never starts with (besides boundary words): conjunctions and opening brackets.
NOT_NAME_START = CONJUNCTIONS | {"(", "（"}


# Words that may follow a head inside one segmenter token (政协会议 → 政协, 研究院院长 → 研究院):
# meetings and posts of the body, not part of its name.
AFTER_HEAD_WORDS = tuple(words_of(_CONTEXT, "class", "post_after_head"))


# The last company legal form in a span (…有限公司技术研发部: the department's company): no company
# word follows it.
_COMPANY_FORMS = alternation(words_of(_LEGAL, "role", "company"))
LAST_COMPANY = re.compile(f"(?:{_COMPANY_FORMS})(?!.*(?:{_COMPANY_FORMS}))")
POST_AFTER_HEAD = re.compile(alternation(AFTER_HEAD_WORDS))


# Words after an unknown brand that make a firm's name (帝视科技).
TECH_WORDS = tuple(words_of(_CONTEXT, "class", "tech_word"))
TECH_WORD_SET = frozenset(TECH_WORDS)
TECH_WORD_PATTERN = re.compile(alternation(sorted(TECH_WORDS, key=len, reverse=True)))
# The counts (一批, 多家) and nouns (企业, 公司) that close an enumeration of firms, as alternations.
FIRM_COUNTS = alternation(words_of(_CONTEXT, "class", "firm_count"))
FIRM_NOUNS = alternation(words_of(_CONTEXT, "class", "firm_noun"))


# Legal words dropped when two forms of one company's name are compared
# (山西焦煤集团有限责任公司 = 山西焦煤, 汾西矿业(集团)有限责任公司 = 汾西矿业).
# (a bracketed word in either kind of bracket, or a legal word, longest first)
_BRACKETED_LEGAL = tuple(words_of(_LEGAL, "role", "bracketed"))
LEGAL_WORDS = re.compile(f"[(（](?:{alternation(_BRACKETED_LEGAL)})[)）]"
                         f"|{alternation(words_of(_LEGAL, 'role', 'legal'))}")
# The bracketed legal words as written in a name, in half- and full-width brackets ((集团), （集团）).
BRACKETED_FORMS = tuple(form for word in _BRACKETED_LEGAL for form in (f"({word})", f"（{word}）"))
# The end of a parent's name before a unit named without it (…(集团)有限责任公司马兰矿).
PARENT_END = re.compile(f"(?:{alternation(words_of(_LEGAL, 'role', 'parent'))})$")
# Endings of a body's short name and of its full name (深圳工会 / 深圳市总工会).
SHORT_ENDINGS = tuple((row["short"], row["full"]) for row in read_table(_ORGS + "short_endings.tsv"))


# Words of a name that decide its type over the head's default: the first row that applies wins.
TYPE_WORDS = read_table(_ORGS + "type_words.tsv")


# The level a one-character prefix stands for in a short form (市总工会: the article's city).
LEVEL_OF_ADMIN_CHAR = {row["char"]: int(row["level"]) for row in read_table(_ORGS + "admin_chars.tsv") if row["level"]}
