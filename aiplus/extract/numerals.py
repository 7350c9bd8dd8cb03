"""Numbers as Chinese news writes them: Arabic, Chinese, mixed, ranges, vague and bare scale words.

``find_numbers`` scans a text for number expressions (without their unit) and
``parse_number`` turns one written form into a float.  Forms covered:

- Arabic digits, half- or full-width, with thousands separators and decimals
  (``1,200``, ``2.77``, ``１２``);
- Chinese numerals (``两``, ``十``, ``二百五十``, ``三万五千``, ``九十九点八``, ``二〇二五``);
- a scale word after either (``1.5万``, ``7千``, ``2.6亿``, ``5000万``, ``3万亿``);
- approximation marks folded into the number (``十余``, ``2000余``, ``700多``, ``十几``,
  ``10余万``, ``1万多``), reported as ``approx=True`` (the "over" qualifier);
- vague counts (``数百`` → 100, ``数十万`` → 100000, ``几十`` → 10), also ``approx=True``;
- bare scale words used as numbers (``万台`` → 10000, ``近千人`` → 1000);
- ranges (``1-2``, ``3至5``, ``三到五``, ``6到10``, ``8—12`` with any dash) → value and value_max;
- two neighbouring digits as a rough range (``一两千`` → 1000–2000, ``三五个`` → 3–5, ``二三十`` → 20–30).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

# Characters of Chinese numerals (Simplified and Traditional forms, financial forms).
CHINESE_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "貳": 2, "两": 2, "兩": 2,
                  "三": 3, "叁": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "陸": 6,
                  "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
CHINESE_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CHINESE_LARGE_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
SCALE_WORDS = {**CHINESE_SMALL_UNITS, **CHINESE_LARGE_UNITS}
# Words that make a number approximate and larger than written ("over").
APPROX_MARKS = "余餘多几幾"
VAGUE_PREFIXES = "数數几幾"

_DIGIT_CLASS = "0-9０-９"
_CN_DIGIT_CLASS = "零〇○一壹二贰貳两兩三叁四肆五伍六陆陸七柒八捌九玖"
_CN_ALL_CLASS = _CN_DIGIT_CLASS + "十拾百佰千仟万萬亿億"
_ARABIC = (rf"[{_DIGIT_CLASS}]{{1,3}}(?:,[{_DIGIT_CLASS}]{{3}})+(?![{_DIGIT_CLASS}])(?:[.．][{_DIGIT_CLASS}]+)?"
           rf"|[{_DIGIT_CLASS}]+(?:[.．][{_DIGIT_CLASS}]+)?")
_CHINESE = rf"[{_CN_DIGIT_CLASS}十拾][{_CN_ALL_CLASS}]*(?:点[{_CN_DIGIT_CLASS}]+)?"
_VAGUE = r"[数數几幾][十百千万萬亿億]+"
_BARE_SCALE = r"[百千万萬亿億]+"
_ONE_NUMBER = rf"(?:{_ARABIC}|{_VAGUE}|{_CHINESE}|{_BARE_SCALE})"
# The characters a number starts with (the first of each branch of _ONE_NUMBER).
_NUMBER_STARTS = f"{_DIGIT_CLASS}数數几幾{_CN_DIGIT_CLASS}十拾百千万萬亿億"
_SCALE = r"(?:万亿|萬億|千万|千萬|百万|百萬|亿|億|万|萬|千|百)"
# Dashes of every width (hyphen, en dash, em dash, figure dash, horizontal bar, full-width and small
# hyphen-minus), tildes, and 至/到.  A doubled dash (——) is punctuation, not a range.
RANGE_DASHES = "-－–—‒―﹣~～〜"
_RANGE_SEPARATOR = rf"[{RANGE_DASHES}至到]"

# (the lookahead on the first character changes no match: it lets the regex engine pass over the
# positions where no number starts without trying every branch there, three times faster on a text)
NUMBER_PATTERN = re.compile(
    rf"(?=[{_NUMBER_STARTS}])(?P<n1>{_ONE_NUMBER})"
    rf"(?:(?P<a0>[余餘多])?(?P<s0>{_SCALE})?[ \t]*(?P<sep>{_RANGE_SEPARATOR})(?![{RANGE_DASHES}])[ \t]*(?P<n2>{_ONE_NUMBER}))?"
    rf"(?P<a1>[ \t]*\n?[ \t]*[{APPROX_MARKS}])?"
    rf"(?P<scale>[ \t]*{_SCALE})?"
    rf"(?P<a2>[余餘多])?"
)
_ARABIC_FULL = re.compile(rf"(?:{_ARABIC})\Z")
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")


class NumberMatch(NamedTuple):
    """A number expression found in a text, at ``text[start:end]`` (unit not included).

    (A named tuple rather than a frozen dataclass: just as immutable, and several times cheaper to make.)
    """

    start: int
    end: int
    value: float
    value_max: float | None
    approx: bool  # 余/多/几/数…: the figure is "over" what is written
    kind: str  # "arabic", "chinese", "vague" or "bare_scale" (of the first number)
    text: str


def parse_arabic(text: str) -> float:
    """``1,200`` → 1200.0, ``２.７７`` → 2.77."""
    return float(text.translate(_FULLWIDTH).replace(",", ""))


def parse_chinese(text: str) -> float:
    """A Chinese numeral → float: ``二百五十`` → 250, ``十`` → 10, ``三万五千`` → 35000,
    ``九十九点八`` → 99.8, ``二〇二五`` → 2025, ``万`` → 10000.  Raises ValueError if not a numeral."""
    if not text:
        raise ValueError("empty numeral")
    if "点" in text:
        whole, _, frac = text.partition("点")
        digits = "".join(str(CHINESE_DIGITS[c]) for c in frac)
        return parse_chinese(whole) + float("0." + digits)
    if all(c in CHINESE_DIGITS for c in text):  # digit by digit (二〇二五) or a single digit
        return float("".join(str(CHINESE_DIGITS[c]) for c in text))
    total = 0.0  # finished large sections (亿, 万)
    section = 0.0  # current section below 万
    digit: float | None = None
    for ch in text:
        if ch in CHINESE_DIGITS:
            digit = CHINESE_DIGITS[ch]
        elif ch in CHINESE_SMALL_UNITS:
            section += (1 if digit is None else digit) * CHINESE_SMALL_UNITS[ch]
            digit = None
        elif ch in CHINESE_LARGE_UNITS:
            mult = CHINESE_LARGE_UNITS[ch]
            part = section + (digit or 0)
            if part == 0:
                part = 1 if total == 0 else 0
            if part == 0:  # 万亿: the scale multiplies what came before
                total *= mult
            elif total and total < mult:  # 千万 written as 千 + 万 after a section
                total = (total + part) * mult
            else:
                total += part * mult
            section, digit = 0.0, None
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    if digit is not None:
        section += digit
    return total + section


def parse_scale(text: str) -> float:
    """A scale word or chain of them (``万``, ``亿``, ``千万``, ``万亿``) → its multiplier."""
    mult = 1.0
    for ch in text:
        mult *= SCALE_WORDS[ch]
    return mult


@lru_cache(maxsize=4096)  # (the same few numerals again and again)
def _parse_one(text: str) -> tuple[float, str]:
    """One number without range: (value, kind)."""
    if _ARABIC_FULL.match(text):
        return parse_arabic(text), "arabic"
    if text[0] in VAGUE_PREFIXES:  # 数百 → 100, 数十万 → 100000: the lower bound of the vague count
        return parse_scale(text[1:]), "vague"
    if text[0] in SCALE_WORDS and text[0] not in "十拾":
        return parse_scale(text), "bare_scale"
    return parse_chinese(text), "chinese"


def parse_number(text: str) -> float:
    """Any written number with its scale word → float: ``2.77亿`` → 277000000, ``十余`` → 10,
    ``7千余`` → 7000, ``1.5万`` → 15000, ``两`` → 2.  Raises ValueError if ``text`` is not a number."""
    match = NUMBER_PATTERN.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"not a number: {text!r}")
    return number_from_match(match, 0).value


# Two neighbouring Chinese digits, then scale characters: a rough range (一两千, 三五个, 二三十, 七八百).
_NEIGHBOUR_DIGITS = re.compile(r"([一二两三四五六七八九])([二两三四五六七八九])([十百千万萬亿億]*)")
# Pairs read as a range: consecutive digits, and 三五 ("three to five").
_NEIGHBOUR_PAIRS = {(a, a + 1) for a in range(1, 9)} | {(3, 5)}


def _neighbour_range(text: str) -> tuple[float, float] | None:
    """(low, high) of a rough range written as two neighbouring digits (一两千 → 1000, 2000), else None."""
    m = _NEIGHBOUR_DIGITS.fullmatch(text)
    if m is None:
        return None
    low, high = CHINESE_DIGITS[m.group(1)], CHINESE_DIGITS[m.group(2)]
    if (low, high) not in _NEIGHBOUR_PAIRS:
        return None
    scale = m.group(3)
    if scale.startswith("十") and len(scale) > 1:  # 三四十万: tens of ten-thousands
        mult = 10 * parse_scale(scale[1:])
    else:
        mult = parse_scale(scale) if scale else 1.0
    return low * mult, high * mult


def number_from_match(match: re.Match, offset: int = 0) -> NumberMatch:
    """The NumberMatch of a match of NUMBER_PATTERN (raises ValueError/KeyError if it does not parse)."""
    n1, a0, s0, n2, a1, scale_word, a2 = match.group("n1", "a0", "s0", "n2", "a1", "scale", "a2")
    rough = None if n2 else _neighbour_range(n1)
    if rough is not None:
        scale = parse_scale(scale_word.strip()) if scale_word else 1.0
        approx = bool(a1 or a2)
        return NumberMatch(match.start() + offset, match.end() + offset, rough[0] * scale, rough[1] * scale,
                           approx, "chinese", match.group(0))
    value, kind = _parse_one(n1)
    approx = kind == "vague" or bool(a0 or a1 or a2)
    scale = parse_scale(scale_word.strip()) if scale_word else 1.0
    value_max = None
    if n2:
        first_scale = parse_scale(s0) if s0 else None
        top, _ = _parse_one(n2)
        value_max = top * scale
        # "3万至5万" gives each end its own scale; "3至5万" shares the last one
        value = value * (first_scale if first_scale else scale)
    else:
        value = value * scale
    return NumberMatch(match.start() + offset, match.end() + offset, value, value_max, approx, kind,
                       match.group(0))


def find_numbers(text: str, start: int = 0, end: int | None = None):
    """Yield every number expression in ``text[start:end]`` (longest at each place, left to right)."""
    for match in NUMBER_PATTERN.finditer(text, start, len(text) if end is None else end):
        try:
            yield number_from_match(match, 0)
        except (ValueError, KeyError):  # a run of numeral characters that is not a number
            continue


def chinese_percent_tenths(char: str) -> float | None:
    """``七`` in ``七成`` → 70.0 (percent); None if not a digit."""
    if char in CHINESE_DIGITS:
        return CHINESE_DIGITS[char] * 10.0
    if char.isdigit():
        return int(char.translate(_FULLWIDTH)) * 10.0
    return None
