"""The word lists of the initiative rules (``lexicon/initiatives``) as sets, tables and patterns, loaded once.

Punctuation of names and quotations is defined here too; the grammar of numbers, dates and talk
titles stays with the patterns that use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aiplus.lexicon import alternation, cell_words, longest_first, rows_of, words_of
from aiplus.lexicon import read_table, read_words
from aiplus.extract.segment import ARTICLE_WORDS

_I = "initiatives/"

# ---------------------------------------------------------------- punctuation of names

OPEN_QUOTES = "“「『《〈\"‘"
CLOSE_QUOTES = "”」』》〉\"’"
QUOTE_CHARS = set(OPEN_QUOTES + CLOSE_QUOTES)
# Characters that may appear inside an initiative name besides CJK letters and
# Latin/digits: joiners seen in names (智汇宝安·AI直播夜校, AI+…, 晋江—龙华, （2026-2027年）).
NAME_PUNCT = set("+·・—-－（）()&.．/＋")
# The opening quote of each closing one (a straight double quote closes itself).
MATCHING_OPEN = {"”": "“", "」": "「", "』": "『", "》": "《", "〉": "〈", "’": "‘", '"': '"'}
CLOSE_OF = {o: c for c, o in MATCHING_OPEN.items() if o != '"'}

# ---------------------------------------------------------------- heads


@dataclass(frozen=True, slots=True)
class Head:
    """A row of lexicon/initiatives/heads.tsv (see its header for the columns)."""

    kind: str
    quoted_only: bool
    min_modifier: int
    role: str  # "collective", "site", "project" or ""
    verb_unless_followed_by: frozenset[str]
    model_only: bool  # its names are candidates only the learned model keeps


HEADS: dict[str, Head] = {
    row["head"]: Head(row["kind"], row["quoted_only"] == "yes", int(row["min_modifier"] or 0), row["role"],
                      frozenset(cell_words(row["verb_unless_followed_by"])), row["model_only"] == "yes")
    for row in read_table(_I + "heads.tsv")}
# The heads a name can end with (head_at_end): all but the nominal words that name something only right
# after a quotation (quoted_only and model_only: “AI龙岗”建设), which never end a name inside one.
HEAD_KINDS = {h: head.kind for h, head in HEADS.items() if not (head.quoted_only and head.model_only)}
# Longest first so that 行动计划 wins over 计划 and 行动 at the same place.
# The nominal words that name something only right after a quotation (quoted_only and model_only:
# “AI龙岗”建设, “网上招商”工作) are looked for there only, not everywhere (they are among the commonest words).
NOMINAL_HEADS = tuple(h for h, head in HEADS.items() if head.quoted_only and head.model_only)


def trie_pattern(words) -> str:
    """A regex matching any of the words, the longest where several start at one place, written as a trie
    (行动(?:计划|方案)?…): the regex engine then looks at one branch per character instead of at every word."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return ("(?:" + "|".join(branches) + ")" if len(branches) > 1 else body if len(body) == 1 else
                    "(?:" + body + ")") + "?"
        return body

    branches = [re.escape(ch) + build(child) for ch, child in sorted(trie.items()) if ch]
    return "(?:" + "|".join(branches) + ")"


HEAD_RE = re.compile(trie_pattern(h for h in HEADS if h not in NOMINAL_HEADS))
# The heads among the words every article is searched for (with the organisations' in one walk).
HEAD_WORDS = "initiative heads"
ARTICLE_WORDS.register(HEAD_WORDS, (h for h in HEADS if h not in NOMINAL_HEADS))


def head_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, head) of the heads in ``text``, as ``HEAD_RE.finditer`` finds them (from the left, the
    longest at each place, none overlapping), found by an automaton (``ARTICLE_WORDS``): a regex of so many
    alternatives tries them one after another at every character that may start one, and takes three times
    as long."""
    found = [(end + 1 - len(head), end + 1, head) for end, head in ARTICLE_WORDS.iter(HEAD_WORDS, text)]
    found.sort(key=lambda span: (span[0], -span[1]))
    out = []
    end = 0
    for span in found:
        if span[0] >= end:
            out.append(span)
            end = span[1]
    return out
NOMINAL_AFTER_QUOTE_RE = re.compile(rf"(?<=[{re.escape(CLOSE_QUOTES)}])(?:{alternation(longest_first(NOMINAL_HEADS))})")
MAX_HEAD_LEN = max(len(h) for h in HEADS)
# Words that begin with a head but are not one (工程师, 系统性), by the head they begin with.
_BLOCKERS = read_words(_I + "head_blockers.tsv")
BLOCKERS_BY_HEAD = {h: tuple(b for b in _BLOCKERS if b.startswith(h)) for h in HEADS}

# ---------------------------------------------------------------- the left edge of a name

STOPS = set(read_words(_I + "left_stops.tsv"))
# a stop word can end only at one of these characters: most characters need no lookup
STOP_LAST_CHARS = frozenset(w[-1] for w in STOPS)
# Words holding a stop that are not stops: two characters around the stop's end, three ending at it.
_STOP_EXCEPTIONS = read_words(_I + "stop_exceptions.tsv")
PROTECTED_WORDS = {w for w in _STOP_EXCEPTIONS if len(w) == 2}
PROTECTED_TRIPLES = {w for w in _STOP_EXCEPTIONS if len(w) == 3}
assert len(PROTECTED_WORDS) + len(PROTECTED_TRIPLES) == len(set(_STOP_EXCEPTIONS))
# Verbs that stay in a name: after a head (nominal), or right before one (compound), in file order.
NOMINAL_VERBS = tuple(words_of(_I + "name_verbs.tsv", "role", "nominal"))
NOMINAL_LAST = frozenset(v[-1] for v in NOMINAL_VERBS)
COMPOUND_VERBS = tuple(words_of(_I + "name_verbs.tsv", "role", "compound"))

_COUNTS = _I + "count_words.tsv"
# Measure words that, after Arabic digits or a Chinese numeral, make a count that ends a name.
ARABIC_COUNT_UNITS = set(words_of(_COUNTS, "class", "after_digits"))
CHINESE_COUNT_UNITS = set(words_of(_COUNTS, "class", "after_numeral"))
# Characters of Chinese numerals, vague ones (几, 数) included: a count unit after one makes a count.
CHINESE_NUMERALS = set("一二两三四五六七八九十百千几数")
# A count at the start of a name is not part of it (20间标准化人工智能实验室, 39期晋江干部学堂): an optional
# qualifier, digits or numerals, an optional 余/多, a measure word not followed by a session word.
LEADING_COUNT = re.compile(rf"^(?:{alternation(words_of(_COUNTS, 'class', 'leading_qualifier'))})?"
                           r"(?:[\d.]+|[首一二两三四五六七八九十百千万几数]+)(?:余|多)?"
                           rf"(?:{alternation(words_of(_COUNTS, 'class', 'leading'))})"
                           rf"(?![\u4e00-\u9fff]?(?:{alternation(words_of(_COUNTS, 'class', 'leading_not_before'))}))")
# A count right after a name makes it a category of many (举办素质教育讲座500场), not one undertaking.
COUNT_AFTER = re.compile(rf"\s?[\d.]+\s?(?:余|多)?\s?(?:{alternation(words_of(_COUNTS, 'class', 'trailing'))})")

# characters grow_left must look at closely; any other name character just extends the name
GROW_SPECIAL = (STOP_LAST_CHARS | set(MATCHING_OPEN) | set(OPEN_QUOTES) | QUOTE_CHARS | {" ", "—"}
                | ARABIC_COUNT_UNITS | CHINESE_COUNT_UNITS)

# ---------------------------------------------------------------- what makes a name specific

# Generic modifiers (and quotes, joiners, spaces), removed to see what makes a name specific.
GENERIC_RE = re.compile(trie_pattern(dict.fromkeys(read_words(_I + "generic_modifiers.tsv")))
                        + "|[" + re.escape("".join(sorted(QUOTE_CHARS | NAME_PUNCT))) + " ]")
REJECT = set(read_words(_I + "reject.tsv"))
TRIGGERS = tuple(read_words(_I + "triggers.tsv"))
TRIGGER_RE = re.compile(trie_pattern(TRIGGERS))

# ---------------------------------------------------------------- words around a name

_CONTEXT = _I + "context_words.tsv"


def _context(cls: str) -> tuple[str, ...]:
    return tuple(words_of(_CONTEXT, "class", cls))


# Words right after a head that make it part of an organisation's name (…工程有限公司, …系统党委).
ORG_AFTER_HEAD = _context("org_after_head")
# Words before a quotation that make it a metaphor or label, not a name (成为孩子们的“第二课堂”).
METAPHOR_BEFORE = _context("metaphor_before")
# Class words for digital services right before a quoted product name.
CLASS_BEFORE_QUOTE = _context("service_class")
# A demonstrative shortly before an unquoted name (in the same clause) makes it a
# back-reference to an undertaking already named.
ANAPHORA = re.compile(rf"(?:{alternation(_context('back_reference'))})[^，。；！？,;\n“”]{{0,10}}$")
# Words around a name that make it a site being built, opened or awarded rather than a body.
SITE_AFTER = _context("site_after")
SITE_BEFORE = _context("site_before")
# Observance days/weeks/months: 全国助残日, 国际博物馆日, 全国科技活动周, 世界读书日 (not followed by a
# time word that makes them a date: 全国助残日前).
OBSERVANCE = re.compile(rf"(?:{alternation(_context('observance_scope'))})[\u4e00-\u9fff]{{2,6}}?"
                        rf"(?:{alternation(_context('observance_period'))})"
                        rf"(?![\u4e00-\u9fff]{{0,1}}(?:{alternation(_context('observance_not_before'))}))")
YESTERDAY = _context("yesterday")
INVESTMENT_CLAUSE = _context("investment_clause")
# What joins coordinated quoted names that share a head (“A”、“B”行动, “A”和“B”行动).
NAME_JOINERS = frozenset(("、", *_context("name_joiner")))

# ---------------------------------------------------------------- words of a name

_NAME_WORDS = _I + "name_words.tsv"


def _name_words(cls: str) -> tuple[str, ...]:
    return tuple(words_of(_NAME_WORDS, "class", cls))


# Ceremonies and opening events of an undertaking (…授牌仪式, …学堂年度首讲): the
# undertaking is reported apart from them.
CEREMONY_HEADS = _name_words("ceremony")
SITE_CEREMONIES = _name_words("site_ceremony")
OPENING_ENDS = _name_words("opening_end")
SAME_UNDERTAKING_TAILS = frozenset(_name_words("same_undertaking_tail"))
OPENING_AFTER = _name_words("opening_after")
POLICY_TITLE = re.compile(f"(?:{alternation(_name_words('policy_title'))})")
# (word, endings that make it no plan word: 行动计划) of names that are plans
PLAN_ENDS = tuple((row["word"], tuple(p + row["word"] for p in cell_words(row["not_preceded_by"])))
                  for row in rows_of(_NAME_WORDS, "class", "plan_end"))
JOINT_MARK = _name_words("joint_mark")[0]
# (verb, starts that keep it in the name: 建设银行) of verbs dropped from the start of a name
LEADING_VERBS = tuple((row["word"], tuple(row["word"] + w for w in cell_words(row["not_followed_by"])))
                      for row in rows_of(_NAME_WORDS, "class", "leading_verb"))

# ---------------------------------------------------------------- partnerships

_PARTNERS = _I + "partnership_words.tsv"


def _partners(cls: str) -> list[str]:
    return words_of(_PARTNERS, "class", cls)


# Partnerships named by their parties: 与X签署合作备忘录 → X合作备忘录.
SIGNED_WITH = re.compile(rf"(?:{alternation(_partners('party_prep'))})([^，。；：、！？\n]{{2,30}}?)"
                         rf"(?:{alternation(_partners('adverb'))})?(?:{alternation(_partners('signing_verb'))})"
                         rf"(?:了)?([^，。；！？\n]{{0,12}}?(?:{alternation(_partners('agreement'))}))")
SIGNING_VERBS = tuple(_partners("signing_verb"))
AGREEMENT_WORDS = tuple(_partners("agreement"))
COOPERATION_WORDS = tuple(_partners("cooperation"))
# Partnerships named by the other party and a cooperation word (与X合作, 与X开展合作): candidates only.
# (a party is named: no digits in it, 与40余家企业合作 is no partnership of one)
COOPERATE_WITH = re.compile(rf"(?:{alternation(_partners('party_prep'))})([^，。；：、！？\n与和同\d]{{2,16}}?)"
                            rf"(?:{alternation(_partners('cooperation_adverb'))})?({alternation(_partners('cooperation'))})")
VENUE_PREPS = tuple(_partners("venue_prep"))
# 共建X研究院 → 共建X.
CO_BUILD_WORD = _partners("co_build")[0]
CO_BUILD = re.compile(rf"(?:{alternation(_partners('co_build_prefix'))})?{re.escape(CO_BUILD_WORD)}"
                      rf"([\u4e00-\u9fff]{{2,20}}?(?:{alternation(_partners('co_build_head'))}))")
# Names of undertakings built together: 共建…, 合作共建…, 联合共建….
JOINT_STARTS = (CO_BUILD_WORD, *(p + CO_BUILD_WORD for p in _partners("co_build_prefix")))

# ---------------------------------------------------------------- deployments of a model

_DEPLOYMENTS = _I + "deployments.tsv"


def _deployment(cls: str) -> list[str]:
    return longest_first(words_of(_DEPLOYMENTS, "class", cls))


# 接入DeepSeek, 启用DeepSeek大模型, “尝鲜”DeepSeek, 部署DeepSeek-R1版人工智能大模型, 部署上线全尺寸模型:
# verb, model (with its version or size), tail; quotation marks may wrap the verb or the model.
# A text that names no model family and no 模型 holds no deployment (most texts: they are not scanned).
DEPLOYMENT_WORDS = re.compile(alternation([*_deployment("model"), "模型"]))
DEPLOYMENT = re.compile(
    rf"[“\"「]?(?P<verb>{alternation(_deployment('verb'))})[”\"」]?(?:了)?[“\"「]?"
    rf"(?:(?P<model>{alternation(_deployment('model'))})(?P<version>(?:[-‐]?[A-Za-z]*\d[A-Za-z0-9.]*)?(?:满血版|版)?)[”\"」]?"
    rf"(?:等)?(?P<tail>{alternation(_deployment('tail'))})?"
    rf"|(?P<generic>{alternation(_deployment('model_generic'))}))")
DEPLOYMENT_GENERIC_SUBJECTS = tuple(_deployment("generic_subject"))
# The same written noun first: DeepSeek-R1:671B全尺寸大模型(的)本地化部署 (the verbs that are also nouns).
DEPLOYMENT_NOMINAL = re.compile(
    rf"(?P<model>{alternation(_deployment('model'))})(?P<version>[-‐:：]?[A-Za-z]*\d[A-Za-z0-9.:：]*)?"
    rf"(?P<size>全尺寸|满血版)?(?P<tail>{alternation(_deployment('tail'))})?的?"
    rf"(?P<verb>{alternation(_deployment('nominal_verb'))})")

# ---------------------------------------------------------------- kinds, domains, AI

# (word, kind, head ending): a name with this word and a head with this ending has this kind.
KIND_WORDS = tuple((row["word"], row["kind"], row["head_ending"]) for row in read_table(_I + "kind_words.tsv"))

_AI_CUES = read_table(_I + "ai_cues.tsv")
AI_RE = re.compile(trie_pattern(row["cue"].lower() for row in _AI_CUES), re.I)
# The AI words proper (not the words of digital systems): what the accept model weighs in a name.
AI_WORD_RE = re.compile(trie_pattern(row["cue"].lower() for row in _AI_CUES if row["class"] != "digital"), re.I)
# AI words in the sentence of a mention that make the undertaking AI-related even
# when its name does not say so (在“数智赋能强党建”活动环节，“建投星讲堂”第一期开课).
STRONG_AI_CUE = re.compile(trie_pattern(row["cue"] for row in _AI_CUES if row["in_sentence"] == "yes"), re.I)

# cue → (rank, domain): the first line of a cue gives its rank
CUE_RANK: dict[str, tuple[int, str]] = {}
for _rank, _row in enumerate(read_table(_I + "domain_cues.tsv")):
    CUE_RANK.setdefault(_row["cue"], (_rank, _row["domain"]))
DOMAIN_RE = re.compile(trie_pattern(CUE_RANK))

# ---------------------------------------------------------------- context classes for the learned model

# position → [(class, words)] in file order: the words right before or after a candidate name.
FEATURE_WORDS: dict[str, list[tuple[str, tuple[str, ...]]]] = {"before": [], "after": []}
for _row in read_table(_I + "feature_words.tsv"):
    _classes = FEATURE_WORDS[_row["position"]]
    if not _classes or _classes[-1][0] != _row["class"]:
        _classes.append((_row["class"], ()))
    _classes[-1] = (_row["class"], _classes[-1][1] + (_row["word"],))

# ---------------------------------------------------------------- organisations and their roles

_ROLES = _I + "org_roles.tsv"


def _role_words(use: str) -> list[str]:
    return words_of(_ROLES, "use", use)


# Organisation roles from the words right after (or before) its mention in the sentence.
ROLE_AFTER = tuple((row["word"], row["role"]) for row in rows_of(_ROLES, "use", "after"))
# (every role word has two characters: the role is found by one lookup of the two characters after the gap)
ROLE_OF_WORD = dict(ROLE_AFTER)
assert all(len(w) == 2 for w, _ in ROLE_AFTER)
SIGNING_WORDS = tuple(_role_words("signing"))
BEFORE_IN_SIGNING = tuple(_role_words("before_in_signing"))
BEFORE_ORGANISER = tuple(_role_words("before"))
# What may stand between an organisation and its role verb (市总工会联合区委宣传部主办: 联合…;
# 市残联等单位开展: 等单位), and what joins organisations that share one role (A、B与C联合研发).
ROLE_GAP = re.compile(f"(?:{alternation(_role_words('gap'))})*")
ORG_JOINERS = set("、，, ") | set(_role_words("join_char"))
VENUE_THEN_VERB = re.compile(rf"(?:{alternation(_role_words('venue'))})[^，。；,;]{{1,10}}?"
                             rf"(?:{alternation(_role_words('venue_verb'))})")
ORG_JOIN_WORDS = set(_role_words("join_word"))
