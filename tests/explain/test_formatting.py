"""The one formatter: every kind of figure written one way."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from explain.bundle import FeatureSpec, resolve_format
from explain.bundle._formatting import (
    display_value,
    format_count,
    format_metric,
    format_p_value,
    format_percent,
    format_points,
    format_psi,
    format_rate,
    format_ratio,
    format_value,
    input_format,
    stored_value,
)


def _resolved(values: list[float], **fields: object) -> FeatureSpec:
    return resolve_format(FeatureSpec(name="x", label="X", **fields), pd.Series(values))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("values", "fields", "value", "text"),
    [
        ([30_000, 52_000, 120_000], {"unit": "$"}, 43_100, "$43,100"),  # an amount: whole dollars
        ([30.5, 45.2, 99.9], {"unit": "$"}, 50.83, "$50.83"),  # small amounts keep cents
        ([12, 36, 60], {"unit": "months"}, 36, "36 months"),  # a duration of whole months
        ([12, 36, 60], {"unit": "months"}, 1, "1 month"),  # singular for one
        ([0, 1, 2, 3], {"unit": "payments"}, 1, "1 payment"),  # a count
        ([0, 1, 2, 3], {"unit": "inquiries"}, 1, "1 inquiry"),
        ([0, 1, 2, 3], {"unit": "inquiries"}, 3, "3 inquiries"),
        ([5.5, 20.1, 46.7], {"unit": "%"}, 34.5, "34.5%"),  # a percent stored as 0–100
        ([0.055, 0.201, 0.467], {"unit": "%"}, 0.345, "34.5%"),  # stored as 0–1: shown as percent
        ([0.1, 2.5, 9.0], {"unit": "× usual"}, 2.345, "2.35× usual"),  # a ratio
        ([1.5, 3.2, 7.1], {"unit": "GB"}, 3.25, "3.25 GB"),
        ([1, 2, 3], {}, 2, "2"),  # integers stay integers
        ([1, 2, 3], {"unit": "$"}, np.nan, "not provided"),  # missing
        ([1, 2, 3], {"unit": "$"}, None, "not provided"),
        ([0.05, 0.2, 0.47], {"unit": "%", "decimals": 0}, 0.345, "34%"),  # the spec's decimals win (banker's rounding)
    ],
)
def test_values_in_their_unit(values: list[float], fields: dict[str, object], value: object, text: str) -> None:
    assert format_value(value, _resolved(values, **fields)) == text


def test_kinds_scale_and_step_are_inferred() -> None:
    percent = _resolved([0.055, 0.201, 0.467], unit="%")
    assert percent.kind == "percent" and percent.scale == 1.0 and percent.decimals == 1
    assert display_value(0.345, percent) == pytest.approx(34.5) and stored_value(34.5, percent) == pytest.approx(0.345)
    assert percent.step == pytest.approx(0.001)  # 0.1 percentage points, in stored units
    income = _resolved([30_000, 52_000, 120_000], unit="$")
    assert income.kind == "amount" and income.decimals == 0 and income.step == 100
    assert _resolved([12, 36, 60], unit="months").kind == "duration"
    assert _resolved([0, 1, 2], unit="calls").kind == "count"
    assert _resolved([0.5, 2.5], unit="× usual").kind == "ratio"
    explicit = _resolved([0.05, 0.2], unit="%", kind="percent", scale=100.0, step=0.5, decimals=2)
    assert (explicit.scale, explicit.step, explicit.decimals) == (100.0, 0.5, 2)


def test_input_and_slider_formats_follow_unit_and_decimals() -> None:
    from explain.bundle._formatting import slider_format, unit_label

    income = _resolved([30_000, 52_000], unit="$")
    assert input_format(income) == "%d" and slider_format(income) == "$%,d" and unit_label(income) == "X ($)"
    dti = _resolved([5.5, 20.1, 46.7], unit="%")
    assert input_format(dti) == "%.1f" and slider_format(dti) == "%,.1f%%"
    assert slider_format(_resolved([12, 36], unit="months")) == "%,d months"


def test_other_figures_one_rule_each() -> None:
    assert format_percent(0.344) == "34%" and format_percent(0.0042) == "0.42%" and format_percent(0.042) == "4.2%"
    assert format_rate(0.17241) == "17.2%" and format_rate(0.5) == "50.0%"
    assert format_points(0.0458) == "+4.6\u00a0pts" and format_points(-0.02) == "−2.0\u00a0pts"
    assert format_metric(0.51953) == "0.520" and format_psi(3.0833) == "3.08"
    assert format_p_value(1e-12) == "< 0.001" and format_p_value(0.0421) == "0.042"
    assert format_ratio(0.4195) == "0.42" and format_count(12345) == "12,345"
