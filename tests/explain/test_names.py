"""Features are matched by name, never by position."""

from __future__ import annotations

import numpy as np
import pytest

from explain import Bundle, ExplainError, FeatureNotFoundError, shap_values


def test_reversed_column_order_gives_identical_explanations(sample: Bundle) -> None:
    rows = sample.decisions.iloc[:200]
    reversed_rows = rows[list(rows.columns[::-1])]
    assert list(reversed_rows.columns) != list(rows.columns)
    a = shap_values(sample, data=rows)
    b = shap_values(sample, data=reversed_rows)
    np.testing.assert_array_equal(a.values, b.values)
    np.testing.assert_array_equal(a.raw_output, b.raw_output)
    np.testing.assert_array_equal(sample.model.predict_score(rows), sample.model.predict_score(reversed_rows))


def test_categorical_columns_swapped_in_position_are_still_matched(loan: Bundle) -> None:
    rows = loan.decisions.iloc[:100]
    cats = list(loan.model.categorical_features)
    assert len(cats) >= 2
    order = list(rows.columns)
    i, j = order.index(cats[0]), order.index(cats[1])
    order[i], order[j] = order[j], order[i]
    np.testing.assert_array_equal(shap_values(loan, data=rows[order]).values, shap_values(loan, data=rows).values)


def test_renamed_column_names_the_missing_feature(sample: Bundle) -> None:
    feature = sample.features[1]
    rows = sample.decisions.iloc[:10].rename(columns={feature: feature + "_renamed"})
    with pytest.raises(FeatureNotFoundError, match=rf"model input '{feature}'") as info:
        shap_values(sample, data=rows)
    assert isinstance(info.value, ExplainError)


def test_bundle_built_from_renamed_data_is_refused(loan: Bundle) -> None:
    frame = loan.decisions.reset_index().rename(columns={"debt_to_income": "dti"})
    with pytest.raises(ExplainError, match="debt_to_income"):
        Bundle.from_estimator(loan.model.estimator, frame, id_column="application_id")
