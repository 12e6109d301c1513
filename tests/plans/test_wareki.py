import datetime

import pytest

from plans import wareki


@pytest.mark.parametrize(
    ("fiscal_year", "label"),
    [
        (2025, "令和7年度（2025年度）"),
        (2019, "令和元年度（2019年度）"),
        (2020, "令和2年度（2020年度）"),
        (2018, "平成30年度（2018年度）"),
        (1989, "平成元年度（1989年度）"),
        (2028, "令和10年度（2028年度）"),
    ],
)
def test_fiscal_year_labels_give_the_era_with_the_western_year(fiscal_year, label):
    assert wareki.fiscal_year_label(fiscal_year) == label


def test_a_fiscal_year_label_can_leave_out_the_western_year():
    assert wareki.fiscal_year_label(2025, with_western=False) == "令和7年度"


@pytest.mark.parametrize(
    ("value", "label"),
    [
        (datetime.date(2026, 4, 1), "令和8年4月"),
        (datetime.date(2019, 5, 1), "令和元年5月"),
        (datetime.date(2019, 4, 30), "平成31年4月"),
        (datetime.date(2018, 7, 1), "平成30年7月"),
    ],
)
def test_month_labels_switch_era_on_the_first_of_may_2019(value, label):
    assert wareki.month_label(value) == label


def test_date_labels_mark_the_first_year_as_gannen():
    assert wareki.date_label(datetime.date(2019, 4, 30)) == "平成31年4月30日"
    assert wareki.date_label(datetime.date(2019, 5, 1)) == "令和元年5月1日"


def test_a_month_label_can_carry_the_western_month():
    assert (
        wareki.month_label(datetime.date(2023, 8, 1), with_western=True)
        == "令和5年8月（2023年8月）"
    )


@pytest.mark.parametrize(
    "text",
    [
        "2025",
        "2025年度",
        "令和7年度",
        "令和７年度",
        "R7",
        "r7",
        "R7年度",
        "Ｒ７年度",
        " 2025 ",
        "令和 7 年度",
        2025,
    ],
)
def test_it_parses_the_ways_people_write_fiscal_year_2025(text):
    assert wareki.parse_fiscal_year(text) == 2025


def test_it_parses_gannen_and_heisei():
    assert wareki.parse_fiscal_year("令和元年度") == 2019
    assert wareki.parse_fiscal_year("H30") == 2018
    assert wareki.parse_fiscal_year("平成30年度") == 2018


@pytest.mark.parametrize("text", ["", "来年度", "令和", "R", "2025/4", "令和0年度", "12345", True])
def test_it_rejects_text_that_is_not_a_fiscal_year_with_a_japanese_message(text):
    with pytest.raises(wareki.WarekiError) as error:
        wareki.parse_fiscal_year(text)
    assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in str(error.value))


def test_fiscal_year_2019_is_reiwa_gannen_although_it_starts_in_heisei():
    assert wareki.era_of_date(datetime.date(2019, 4, 1)) == ("平成", 31)
    assert wareki.era_of_fiscal_year(2019) == ("令和", 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023/8/1", datetime.date(2023, 8, 1)),
        ("2023-08-01", datetime.date(2023, 8, 1)),
        ("２０２３／８／１", datetime.date(2023, 8, 1)),
        ("令和5年8月", datetime.date(2023, 8, 1)),
        ("令和10年3月31日", datetime.date(2028, 3, 31)),
        ("平成31年4月30日", datetime.date(2019, 4, 30)),
        ("令和元年5月1日", datetime.date(2019, 5, 1)),
        ("2023年8月", datetime.date(2023, 8, 1)),
    ],
)
def test_it_parses_dates_in_western_and_era_forms(text, expected):
    assert wareki.parse_date(text) == expected


def test_a_month_or_fiscal_year_end_means_its_last_day_for_a_period_end():
    assert wareki.parse_date("令和9年度末", period_end=True) == datetime.date(2028, 3, 31)
    assert wareki.parse_date("令和10年3月", period_end=True) == datetime.date(2028, 3, 31)
    assert wareki.parse_date("2024年2月", period_end=True) == datetime.date(2024, 2, 29)


def test_it_rejects_impossible_dates():
    with pytest.raises(wareki.WarekiError, match="存在しない日付"):
        wareki.parse_date("2025/2/30")


def test_the_fiscal_year_of_a_date_starts_in_april():
    assert wareki.fiscal_year_of_date(datetime.date(2026, 3, 31)) == 2025
    assert wareki.fiscal_year_of_date(datetime.date(2026, 4, 1)) == 2026


@pytest.mark.parametrize("year", [0, 1900, 32767, 40000])
def test_a_year_no_era_covers_is_labelled_in_western_form_only(year):
    assert wareki.fiscal_year_label(year) == f"{year}年度"
