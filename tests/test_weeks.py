from datetime import date

import pytest

from tools.errors import InputError
from tools.weeks import (
    census_last_month,
    census_release_date,
    comtrade_last_year,
    parse_week,
)


def test_w07_2026_is_monday_9_to_sunday_15_feb():
    w = parse_week("2026-W07")
    assert (w.start, w.end) == (date(2026, 2, 9), date(2026, 2, 15))
    assert w.start.weekday() == 0 and w.end.weekday() == 6
    assert (w.prev_week, w.next_week, w.year_ago_week) == ("2026-W06", "2026-W08", "2025-W07")
    assert w.generated_at.date() == w.end


def test_neighbours_cross_year_boundaries():
    w1 = parse_week("2026-W01")
    assert w1.start == date(2025, 12, 29)
    assert w1.prev_week == "2025-W52"
    w53 = parse_week("2020-W53")
    assert w53.next_week == "2021-W01"
    assert w53.year_ago_week == "2019-W52"  # 2019 had no W53


@pytest.mark.parametrize("bad", ["2026-W54", "2026-7", "foo", "", "2026-W00", "2021-W53", "26-W07"])
def test_invalid_weeks_raise_input_error_with_one_line(bad):
    with pytest.raises(InputError) as exc:
        parse_week(bad)
    assert "\n" not in str(exc.value)
    assert "week" in str(exc.value)


def test_census_cutoff_follows_shutdown_calendar():
    # Nov-2025 first released 2026-01-29, Dec-2025 on 2026-02-19.
    assert census_last_month(parse_week("2026-W07").end) == "2025-11"
    assert census_last_month(parse_week("2026-W06").end) == "2025-11"
    assert census_last_month(parse_week("2026-W08").end) == "2025-12"  # ends 02-22, after 02-19
    assert census_last_month(date(2026, 2, 18)) == "2025-11"
    assert census_last_month(date(2026, 1, 28)) == "2025-10"


def test_census_fallback_rule_for_months_not_in_calendar():
    # 2026-01 is not in the calendar: month end + 36 days.
    assert census_release_date("2026-01") == date(2026, 3, 8)
    assert census_last_month(date(2026, 3, 7)) == "2025-12"
    assert census_last_month(date(2026, 3, 8)) == "2026-01"


def test_comtrade_year_availability():
    assert comtrade_last_year(parse_week("2026-W07").end) == 2024
    assert comtrade_last_year(parse_week("2025-W07").end) == 2023
    assert comtrade_last_year(date(2025, 7, 1)) == 2024
