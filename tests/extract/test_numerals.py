"""Number forms of Chinese news: aiplus.extract.numerals."""

import pytest

from aiplus.extract.numerals import find_numbers, parse_chinese, parse_number


@pytest.mark.parametrize("text, value", [
    ("1,200", 1200), ("2.77亿", 277_000_000), ("１２", 12), ("２．５万", 25_000),
    ("1.5万", 15_000), ("7千", 7000), ("5000万", 50_000_000), ("3万亿", 3e12), ("14亿", 1.4e9),
    ("两", 2), ("十", 10), ("十二", 12), ("二十", 20), ("二百五十", 250), ("一百零五", 105),
    ("三万五千", 35_000), ("两千万", 20_000_000), ("一亿五千万", 150_000_000), ("九十九点八", 99.8),
    ("万", 10_000), ("千", 1000), ("千万", 10_000_000),
    ("十余", 10), ("2000余", 2000), ("700多", 700), ("十几", 10), ("10余万", 100_000), ("1万多", 10_000),
    ("7千余", 7000), ("两千余万", 20_000_000), ("数百", 100), ("数十万", 100_000), ("几十", 10),
    ("40 余", 40), ("60 万", 600_000),
])
def test_parse_number(text, value):
    assert parse_number(text) == pytest.approx(value)


def test_parse_chinese_digit_by_digit():
    assert parse_chinese("二〇二五") == 2025


@pytest.mark.parametrize("text", ["", "abc", "余"])
def test_parse_number_rejects_non_numbers(text):
    with pytest.raises(ValueError):
        parse_number(text)


def _first(text):
    return next(iter(find_numbers(text)))


@pytest.mark.parametrize("text, value, value_max", [
    ("提前1-2周", 1, 2), ("3至5年", 3, 5), ("三到五个", 3, 5), ("6到10个百分点", 6, 10),
    ("3至5万元", 30_000, 50_000), ("3万至5万元", 30_000, 50_000), ("1～3个", 1, 3),
    ("8—12千克", 8000, 12000), ("1―2周", 1, 2), ("一两千位", 1000, 2000), ("三五个", 3, 5),
    ("二三十名", 20, 30), ("三四十万", 300_000, 400_000),
])
def test_ranges(text, value, value_max):
    number = _first(text)
    assert (number.value, number.value_max) == (pytest.approx(value), pytest.approx(value_max))


@pytest.mark.parametrize("text, approx", [
    ("培训超7万人次", False), ("课程2000余场", True), ("700多名", True), ("十余个", True),
    ("数百场", True), ("总投资达2.77亿元", False), ("十多项", True),
])
def test_approximation_marks(text, approx):
    assert _first(text).approx is approx


def test_find_numbers_reports_offsets():
    text = "累计服务群众近44万人次"
    number = _first(text)
    assert text[number.start:number.end] == "44万"
    assert number.value == 440_000
    assert number.kind == "arabic"


def test_thousands_separator_needs_three_digits():
    assert _first("1,200P").value == 1200
    assert _first("1,2").value == 1  # an enumeration, not a separator


def test_a_doubled_dash_is_punctuation():
    assert _first("共3——5").value_max is None
