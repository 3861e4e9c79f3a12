"""Base value plus contributions equals the model's own raw output, on every sample."""

from __future__ import annotations

import numpy as np
import pandas as pd

from explain import Bundle, shap_values
from sample_models import REGISTRY


def own_raw_output(bundle: Bundle, rows: pd.DataFrame) -> np.ndarray:
    """The model's raw output computed with the model's own predict, not through shap."""
    x = bundle.model.prepare(rows)
    est = bundle.model.estimator
    if bundle.model.family == "lightgbm":
        return np.asarray(est.predict(x, raw_score=True))
    return np.asarray(est.decision_function(x))


def test_additivity_on_500_rows_per_sample(sample: Bundle) -> None:
    table = "decisions" if len(sample.decisions) >= 500 else "reference"
    result = shap_values(sample, data=table, max_rows=600)
    assert len(result.ids) >= 500
    rows = sample.table(table).loc[list(result.ids)]
    raw = own_raw_output(sample, rows)
    assert np.max(np.abs(result.base_values + result.values.sum(axis=1) - raw)) < 1e-6
    # one base value per bundle, whatever the rows
    other = shap_values(sample, data="reference", max_rows=50, random_state=3)
    assert np.ptp(np.concatenate([result.base_values, other.base_values])) == 0.0
    # one column per raw input, none extra to absorb a residual
    assert result.values.shape[1] == len(sample.features)
    assert result.feature_names == sample.features


def test_pipeline_columns_are_summed_back_to_raw_inputs(churn: Bundle) -> None:
    import shap

    result = shap_values(churn, data="reference", max_rows=200)
    pipe = churn.model.estimator
    z = pipe[:-1].transform(churn.model.prepare(churn.reference.loc[list(result.ids)]))
    encoded = shap.TreeExplainer(pipe[-1]).shap_values(z)
    # summing the encoded columns back keeps each row's total
    assert np.allclose(encoded.sum(axis=1), result.values.sum(axis=1), atol=1e-9)
    names = list(pipe[:-1].get_feature_names_out())
    contract_cols = [i for i, n in enumerate(names) if n.startswith("cat__contract_")]
    assert len(contract_cols) == 3
    j = result.feature_names.index("contract")
    assert np.allclose(encoded[:, contract_cols].sum(axis=1), result.values[:, j], atol=1e-12)


def test_rows_come_back_in_the_order_asked(loan: Bundle) -> None:
    ids = list(loan.decisions.index[[5, 1, 3]])
    result = shap_values(loan, ids)
    assert list(result.ids) == ids
    single = shap_values(loan, [ids[2]])
    assert np.allclose(single.values[0], result.values[2])
    frame = result.to_frame()
    frame.iloc[0, 0] = 99.0
    assert result.values[0, 0] != 99.0  # to_frame is a copy


def test_registry_order_starts_with_loan() -> None:
    assert next(iter(REGISTRY)) == "loan"
