"""Chinese numerals, full-width digits, 万/亿 and the digit runs scraping leaves in dates."""
from datetime import date

import pytest

from lawgov_nlp.analysis.numbers import (choose_period, cn_is_numeral, fold_width, month_day_readings, parse_number, parse_percent,
                                         period_readings, read_month_day)


@pytest.mark.parametrize("text,value", [
    ("60", 60), ("６０", 60), ("六十", 60), ("一千二百", 1200), ("两", 2), ("十二", 12), ("一百二十六", 126),
    ("14.2万", 142000), ("2.05万", 20500), ("48852.4万", 488524000), ("45亿", 4500000000), ("三千五百万", 35000000),
])
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["三四", "一一", "", "几十", "万"])
def test_not_a_number(text):
    assert parse_number(text) is None


def test_percent_forms():
    assert parse_percent("百分之百") == 100
    assert parse_percent("百分之八十") == 80
    assert parse_percent("５０％") == 50
    assert parse_percent("50") is None


def test_numeral_grammar():
    assert cn_is_numeral("二十五") and cn_is_numeral("两") and not cn_is_numeral("三四")


def test_fold_width_keeps_offsets():
    s = "不少于６０学时，达到１００％"
    assert len(fold_width(s)) == len(s) and fold_width(s) == "不少于60学时,达到100%"


def test_lost_month_readings():
    assert month_day_readings(2020, "128") == [date(2020, 1, 28), date(2020, 12, 8)]
    assert read_month_day(2020, "128") is None  # ambiguous without a window
    assert read_month_day(2020, "128", not_before=date(2020, 11, 1)) == date(2020, 12, 8)
    assert read_month_day(2020, "35") == date(2020, 3, 5)


def test_stage_periods_follow_each_other():
    assert period_readings(2020, "321430") == [(date(2020, 3, 21), date(2020, 4, 30))]
    r = choose_period(period_readings(2020, "51731"), after=date(2020, 4, 30))
    assert r == (date(2020, 5, 1), date(2020, 7, 31))
