"""Every supported model family builds a bundle whose explanations add up."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from explain import Bundle, shap_values


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(7)
    n = 600
    x = pd.DataFrame(
        {
            "income": rng.normal(50, 10, n),
            "debt": rng.normal(20, 5, n),
            "age": rng.integers(20, 70, n).astype(float),
            "region": rng.choice(["north", "south", "east"], n),
        }
    )
    logits = 0.08 * (x.debt - 20) - 0.05 * (x.income - 50) + 0.4 * (x.region == "north")
    y = pd.Series((rng.random(n) < 1 / (1 + np.exp(-logits))).astype(int), name="y")
    return x, y


def _check(bundle: Bundle, output: str) -> None:
    result = shap_values(bundle, data="decisions", max_rows=80)
    raw = bundle.model.predict_raw(bundle.decisions.loc[list(result.ids)])
    assert result.output == output
    assert np.max(np.abs(result.base_values + result.values.sum(axis=1) - raw)) < 1e-6
    assert np.ptp(result.base_values) == 0
    assert result.values.shape == (80, len(bundle.features))


def test_lightgbm_classifier(data: tuple[pd.DataFrame, pd.Series]) -> None:
    import lightgbm as lgb

    x, y = data
    xc = x.assign(region=x.region.astype("category"))
    model = lgb.LGBMClassifier(n_estimators=30, num_leaves=7, random_state=0, verbose=-1).fit(xc, y)
    bundle = Bundle.from_estimator(model, xc, reference=xc.iloc[:300])
    assert bundle.model.family == "lightgbm" and bundle.model.categorical_features == ("region",)
    _check(bundle, "log-odds")
    # strings for a categorical column are matched to the model's categories
    as_text = x.iloc[:50]
    np.testing.assert_allclose(bundle.model.predict_score(as_text), model.predict_proba(xc.iloc[:50])[:, 1])


def test_random_forest_explains_in_probability_space(data: tuple[pd.DataFrame, pd.Series]) -> None:
    import shap
    from sklearn.ensemble import RandomForestClassifier

    x, y = data
    num = x.drop(columns="region")
    model = RandomForestClassifier(n_estimators=25, max_depth=5, random_state=0).fit(num, y)
    bundle = Bundle.from_estimator(model, num)
    _check(bundle, "probability")
    ids = list(bundle.decisions.index[:20])
    ours = shap_values(bundle, ids)
    theirs = np.asarray(shap.TreeExplainer(model).shap_values(num.iloc[:20]))[:, :, 1]
    np.testing.assert_allclose(ours.values, theirs, atol=1e-10)
    # the probability view of probability-space contributions is the contributions themselves
    np.testing.assert_array_equal(ours.probability_view(), ours.values)


def test_linear_pipeline_matches_shap_and_closed_form(data: tuple[pd.DataFrame, pd.Series]) -> None:
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    x, y = data
    pre = ColumnTransformer(
        [("num", StandardScaler(), ["income", "debt", "age"]), ("cat", OneHotEncoder(sparse_output=False), ["region"])]
    )
    model = Pipeline([("pre", pre), ("clf", LogisticRegression())]).fit(x, y)
    bundle = Bundle.from_estimator(model, x, reference=x.iloc[:100])
    assert bundle.model.family == "sklearn-linear"
    _check(bundle, "log-odds")
    result = shap_values(bundle, list(bundle.decisions.index[:10]))
    z = pre.transform(x.iloc[:10])
    background = pre.transform(x.iloc[:100])
    coef = model[-1].coef_[0]
    closed = coef * (z - background.mean(axis=0))  # exact for a linear model, independent inputs
    j = list(bundle.features).index("income")
    np.testing.assert_allclose(result.values[:, j], closed[:, 0], atol=1e-9)
    np.testing.assert_allclose(result.values[:, 3], closed[:, 3:].sum(axis=1), atol=1e-9)


def test_fallback_permutation_explainer_is_exactly_additive(data: tuple[pd.DataFrame, pd.Series]) -> None:
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x, y = data
    num = x.drop(columns="region")
    model = make_pipeline(StandardScaler(), MLPClassifier(hidden_layer_sizes=(8,), max_iter=300, random_state=0))
    model.fit(num, y)
    bundle = Bundle.from_estimator(model, num, reference=num.iloc[:200])
    assert bundle.model.family == "sklearn-other"
    _check(bundle, "log-odds")
    first = shap_values(bundle, list(bundle.decisions.index[:5]))
    again = shap_values(bundle, list(bundle.decisions.index[:5]))
    np.testing.assert_array_equal(first.values, again.values)  # seeded


def test_from_estimator_defaults(data: tuple[pd.DataFrame, pd.Series]) -> None:
    from sklearn.linear_model import LogisticRegression

    x, y = data
    num = x.drop(columns="region")
    bundle = Bundle.from_estimator(LogisticRegression().fit(num, y), num)
    spec = bundle.spec
    assert spec.decision.threshold == 0.5 and spec.favorable == "below"
    assert (spec.decision.above, spec.decision.below) == ("Above threshold", "Below threshold")
    assert spec.score_label == "score" and spec.recourse is False and spec.sensitive_columns == ()
    assert spec.label("income") == "income"
    assert list(bundle.decisions.index[:3]) == ["0", "1", "2"]  # ids become strings
    assert bundle.population_name.startswith("decisions")
    same = Bundle.from_estimator(LogisticRegression().fit(num, y), num)
    assert same.fingerprint == bundle.fingerprint
    other = Bundle.from_estimator(LogisticRegression().fit(num, y), num, spec={"decision": {"threshold": 0.3}})
    assert other.fingerprint != bundle.fingerprint  # a changed threshold changes the fingerprint
