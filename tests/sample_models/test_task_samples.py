"""The multiclass (grades) and regression (limits) samples: seeded, a spec that agrees with
the model, exact contributions against the model's own output, and the planted ground truth
found by them."""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pandas as pd
import pytest

from explain import adapt_estimator, checked_contributions, parse_spec
from explain.bundle._task_rules import check_classes
from explain.errors import ExplainError
from sample_models import grades, limits
from sample_models._common import as_categories

CASES = {"grades": grades, "limits": limits}


@pytest.fixture(scope="module", params=list(CASES))
def built(request: pytest.FixtureRequest) -> tuple[ModuleType, object, pd.DataFrame, pd.DataFrame]:
    module = CASES[request.param]
    data = module.make_data("test", 0)
    model = module.train(data, "test", 0)
    return module, model, data.reference, data.decisions


def test_the_spec_agrees_with_the_model(built: tuple) -> None:  # type: ignore[type-arg]
    module, model, _, _ = built
    spec = parse_spec(module.SPEC, source=f"sample_models/{module.NAME}.py")
    adapter = adapt_estimator(model)
    assert adapter.task == spec.task
    assert set(spec.features) == set(adapter.feature_names)
    problems: list[ExplainError] = []
    check_classes(spec.classes, adapter.classes, "spec", problems)
    assert not problems


def test_contributions_add_up_and_find_the_planted_drivers(built: tuple) -> None:  # type: ignore[type-arg]
    module, model, reference, _ = built
    adapter = adapt_estimator(model)
    x = adapter.prepare(reference.head(400))
    attribution, raw, residual = checked_contributions(adapter, x, None)
    np.testing.assert_allclose(raw, model.predict(x, raw_score=True), atol=1e-9)
    assert residual <= 1e-6
    values = attribution.values
    if adapter.task == "multiclass":  # toward the worst grade and away from the best
        values = values[:, :, -1] - values[:, :, 0]
    strength = dict(zip(adapter.feature_names, np.abs(values).mean(axis=0), strict=True))
    truth = module.GROUND_TRUTH
    for noise in truth.noise:
        assert strength[noise] < strength[truth.weak_driver], (noise, strength)
    for name, direction in truth.drivers.items():
        column = pd.to_numeric(x[name], errors="coerce").to_numpy(dtype=float)
        keep = ~np.isnan(column)
        corr = np.corrcoef(column[keep], values[keep, adapter.feature_names.index(name)])[0, 1]
        assert (corr > 0) == (direction == "increases"), (name, corr)


def test_the_model_is_good_on_held_out_data(built: tuple) -> None:  # type: ignore[type-arg]
    module, model, reference, _ = built
    adapter = adapt_estimator(model)
    predicted = adapter.predict_response(reference)
    truth = reference[module.OUTCOME].to_numpy(dtype=float)
    if adapter.task == "multiclass":
        assert np.mean(np.argmax(predicted, axis=1) == truth) > 0.6
        assert set(np.argmax(predicted, axis=1)) == {0, 1, 2, 3}
    else:
        r2 = 1 - np.sum((truth - predicted) ** 2) / np.sum((truth - truth.mean()) ** 2)
        assert r2 > 0.8


@pytest.mark.parametrize("module", list(CASES.values()), ids=list(CASES))
def test_the_same_seed_gives_the_same_tables_and_the_current_batch_drifts(module: ModuleType) -> None:
    one, two = module.make_data("test", 3), module.make_data("test", 3)
    for name in ("train", "reference", "decisions", "current"):
        pd.testing.assert_frame_equal(getattr(one, name), getattr(two, name))
    drift = module.GROUND_TRUTH.drift_feature
    shift = one.current[drift].mean() / one.reference[drift].mean()
    assert shift > 1.1, shift
    assert as_categories(one.current, module.CATEGORIES)[list(module.CATEGORIES)].dtypes.eq("category").all()
