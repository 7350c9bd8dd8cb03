"""What the learned model of initiatives sees of a candidate name: named features, never its text.

The rules and the generous finders (``aiplus.extract.initiative_candidates``) propose names; the
mentions of one name in an article (its merge key) are one decision.  Each is described by:

* where it came from: the finder (``src=``), the kind and role its head implies, the rule checks it
  failed (``flag=``, and with its finder ``quote&free_quote``…; ``rule`` when one mention passes them all);
* its shape: length, quotation or title marks, digits, Latin letters, a ``+``/``×``, AI words, the part of
  speech of its first word, verbs and proper names inside it (rjieba's tags);
* its context: the class of the words just before its first mention (a launching verb, a class word, a
  metaphor word, a list mark, a naming word, a building or using verb…: ``feature_words.tsv``), whether it
  stands in a heading, how often it is mentioned, how it nests with the other names (inside one the rules
  keep, holding one);
* the organisations: the name is one, or starts with one.

Other families were tried (the words after a name, the clause's launching, signing, date and AI words,
a place at the start, repeats in the text, the head word itself, a slogan's shape) and left out: in
leave-one-file-out runs they added nothing, or made the model worse.

``models/initiatives.json`` weighs them (``scripts/train_initiatives.py``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

import rjieba

from aiplus.extract.initiative_candidates import Candidate
from aiplus.extract.initiative_names import word_tags
from aiplus.extract.initiative_words import (AI_WORD_RE, CLASS_BEFORE_QUOTE, CLOSE_QUOTES, FEATURE_WORDS, HEADS,
                                             METAPHOR_BEFORE, OPEN_QUOTES, TRIGGERS)

_DIGIT = re.compile(r"\d")
_LATIN = re.compile(r"[A-Za-z]")
_PLUS = re.compile(r"[+×＋]")
_DIGIT_LATIN_PLUS = re.compile(r"[\dA-Za-z+×＋]")  # any of the three
# Mentions of a name whose lines are looked at (the first ones): enough to see a heading.
_MENTIONS_LOOKED_AT = 3
_PUNCT = set("，。；：、！？,;:!?（）()【】\n ")


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    """The bucket of ``n``: "≤e" for the first edge e it does not pass, else ">last"."""
    for e in edges:
        if n <= e:
            return f"<={e}"
    return f">{edges[-1]}"


# Buckets of the number of mentions and of the length of a name, by value.
_MENTIONS = ["mentions=" + _bucket(n, (1, 2)) for n in range(4)]
_LENGTHS = ["len=" + _bucket(n, (3, 5, 8, 12, 18)) for n in range(20)]


def _before_class(text: str, start: int) -> str:
    """The class of the words right before a mention."""
    if start == 0:
        return "start"
    prev = text[start - 1]
    if prev == "\n":
        return "line_start"
    if prev in "、":
        return "list"
    if prev in CLOSE_QUOTES or prev in OPEN_QUOTES:
        return "quote"
    if prev in _PUNCT:
        return "punct"
    window = text[max(0, start - 6) : start]
    if window.endswith(TRIGGERS):
        return "trigger"
    if window.endswith(CLASS_BEFORE_QUOTE):
        return "class_word"
    if window.endswith(METAPHOR_BEFORE):
        return "metaphor"
    for cls, words in FEATURE_WORDS["before"]:
        if window.endswith(words):
            return cls
    return "other"


# Part-of-speech classes of rjieba's tags (jieba's tag set).
_POS_CLASS = {"v": "verb", "vd": "verb", "vi": "verb", "vg": "verb", "p": "prep", "r": "pronoun", "t": "time",
              "d": "adverb", "c": "conj", "m": "numeral", "q": "numeral", "mq": "numeral", "nr": "proper",
              "ns": "proper", "nt": "proper", "nz": "proper", "j": "proper", "nrt": "proper", "nrfg": "proper",
              "eng": "latin", "a": "adj", "ad": "adj", "an": "adj", "vn": "noun", "n": "noun", "f": "place_word",
              "s": "place_word", "u": "particle", "ul": "particle", "uj": "particle", "uz": "particle"}
_VERB_TAGS = frozenset(t for t, cls in _POS_CLASS.items() if cls == "verb")
_PROPER_TAGS = frozenset(t for t, cls in _POS_CLASS.items() if cls == "proper")


@lru_cache(maxsize=8192)
def _pos_features(name: str, head: str) -> tuple[str, ...]:
    """Part-of-speech features of a name: the class of its first word, verbs inside its modifier, proper
    names (tagged, or words unknown to the dictionary)."""
    modifier = name[: -len(head)] if head and name.endswith(head) and len(name) > len(head) else name
    tags = word_tags(modifier)
    if not tags:
        return ()
    out = ["pos0=" + _POS_CLASS.get(tags[0][1], "other")]
    if any(t in _VERB_TAGS for _, t in tags[1:]):
        out.append("verb_inside")
    if any(t in _PROPER_TAGS or len(w) >= 2 and not rjieba.has_word(w) and not w.isascii() for w, t in tags):
        out.append("proper_word")
    if tags[-1][1] in ("v", "vd", "vi"):
        out.append("verb_before_head")
    return tuple(out)


def _in_heading(text: str, start: int, end: int) -> bool:
    """Whether the mention stands on a short line of its own (a title or heading)."""
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", end)
    le = len(text) if le < 0 else le
    line = text[ls:le].strip()
    return 0 < len(line) <= 40 and line[-1] not in "。；;"


def features_of_groups(groups: dict[str, list[Candidate]], text: str, organisations) -> dict[str, dict[str, float]]:
    """The features of every candidate name of an article (by merge key), with how the names nest: a
    name inside another candidate's name, or holding one, or inside (holding) a name the rules keep."""
    org_names = {o.name for o in organisations} | {o.surface for o in organisations}
    org_starts = _by_start(org_names)
    ruled = {k for k, members in groups.items() if any(not c.flags for c in members)}
    by_length = sorted(groups, key=len)
    lengths = [len(k) for k in by_length]
    out = {key: group_features(members, text, org_names, org_starts) for key, members in groups.items()}
    for i, short in enumerate(by_length):
        # (only the keys longer than this one can hold it: they start where the lengths pass its own)
        for long_ in by_length[bisect_right(lengths, lengths[i], i + 1) :]:
            if short in long_:
                out[short]["inside_other"] = 1.0
                out[long_]["holds_other"] = 1.0
                if long_ in ruled:
                    out[short]["inside_rule"] = 1.0
                if short in ruled:
                    out[long_]["holds_rule"] = 1.0
    return out


def _by_start(org_names: set[str]) -> dict[str, list[str]]:
    """The organisation names of two characters or more, by their first two characters."""
    out: dict[str, list[str]] = {}
    for o in org_names:
        if len(o) >= 2:
            out.setdefault(o[:2], []).append(o)
    return out


def group_features(members: list[Candidate], text: str, org_names: set[str],
                   org_starts: dict[str, list[str]] | None = None) -> dict[str, float]:
    """The features of one candidate name from all its mentions in the article (first mention first).
    ``org_starts``: ``org_names`` by their first two characters (``_by_start``), when the caller has them."""
    first = members[0]
    name = first.name
    f: dict[str, float] = {}
    ruled = False
    for c in members:
        f["src=" + c.source] = 1.0
        if c.quoted:
            f["quoted"] = 1.0
            if text[c.start] == "《":
                f["title"] = 1.0
        if not c.flags:
            ruled = True
    if ruled:
        f["rule"] = 1.0
    else:
        for flag in set(first.flags).intersection(*(c.flags for c in members[1:])):
            f["flag=" + flag] = 1.0
    for flag in first.flags:
        f[f"{first.source}&{flag}"] = 1.0
    head = first.head or next((c.head for c in members if c.head), "")
    f["hkind=" + (first.kind or "none")] = 1.0
    info = HEADS.get(head)
    if info is not None:
        if info.role:
            f["hrole=" + info.role] = 1.0
        if info.model_only:
            f["model_head=" + head] = 1.0  # (each model-only head names an undertaking more or less often)
    f[_MENTIONS[min(len(members), 3)]] = 1.0
    f[_LENGTHS[min(len(name), 19)]] = 1.0
    if AI_WORD_RE.search(name):
        f["ai_name"] = 1.0
    for feature in _pos_features(name, head):
        f[feature] = 1.0
    if (not name.isascii() or not name.isalpha()) and _DIGIT_LATIN_PLUS.search(name):  # (most names: none)
        if _DIGIT.search(name):
            f["digit"] = 1.0
        if _LATIN.search(name):
            f["latin"] = 1.0
        if _PLUS.search(name):
            f["plus"] = 1.0
    if org_names:
        if name in org_names:
            f["is_org"] = 1.0
        else:
            # an organisation's name of 2 characters or more, shorter than the name, opens it
            if org_starts is None:
                org_starts = _by_start(org_names)
            n = len(name)
            if any(len(o) < n and name.startswith(o) for o in org_starts.get(name[:2], ())):
                f["org_start"] = 1.0
    f["before=" + _before_class(text, first.start)] = 1.0
    for c in members[:_MENTIONS_LOOKED_AT]:
        if _in_heading(text, c.start, c.end):
            f["heading"] = 1.0
            break
    return f
