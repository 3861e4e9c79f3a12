"""The compiled tree engine against the libraries it replaces: TreeSHAP equal to LightGBM's
own ``pred_contrib`` (1e-9) on every LightGBM sample and on models built to reach every kind of
split (categories, missing values as NaN or zero, repeated inputs on a path, one-leaf trees),
and leaf walks equal to LightGBM's and scikit-learn's own predictions."""

from __future__ import annotations

from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import ExtraTreesRegressor, RandomForestClassifier

from explain import Bundle
from explain._cores import all_cores, split_rows
from explain.attribution._importance import _shuffled
from explain.models import _tree_engine as engine_module
from explain.models._lightgbm import LightGBMAdapter, adapt_lightgbm
from explain.models._tree_arrays import from_sklearn_forest, model_matrix
from explain.models._tree_engine import PermutedPredictions, treeshap_engine

EXACT = 1e-9


def _native(adapter: LightGBMAdapter, x: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """LightGBM's own contributions as (rows × inputs × outputs, rows × outputs)."""
    contrib = np.asarray(adapter.estimator.predict(x, pred_contrib=True), dtype=float)
    blocks = contrib.reshape(len(x), -1, len(adapter.feature_names) + 1)
    return blocks[:, :, :-1].transpose(0, 2, 1), blocks[:, :, -1]


def _check_against_lightgbm(adapter: LightGBMAdapter, x: pd.DataFrame) -> None:
    engine = adapter.treeshap_engine()
    assert engine is not None
    values, base = _native(adapter, x)
    ours = engine.contributions(model_matrix(x))
    assert ours.shape == values.shape
    assert np.abs(ours - values).max() <= EXACT
    assert np.abs(engine.base[None, :] - base).max() <= EXACT


@pytest.mark.parametrize("name", ["loan", "fraud", "grades", "limits"])
def test_engine_equals_lightgbm_on_every_lightgbm_sample(bundles: dict[str, Bundle], name: str) -> None:
    bundle = bundles[name]
    adapter = bundle.model
    assert isinstance(adapter, LightGBMAdapter)
    for table in ("decisions", "reference"):
        _check_against_lightgbm(adapter, adapter.prepare(bundle.table(table)))


def _check_permuted_against_predicting(adapter: LightGBMAdapter, x: pd.DataFrame, repeats: int) -> None:
    """Every input shuffled ``repeats`` ways: the engine's outputs equal the model's own
    prediction of the shuffled rows."""
    permuted = PermutedPredictions(adapter.tree_arrays(), model_matrix(x), threads=2)
    orders = np.stack([np.random.default_rng(s).permutation(len(x)) for s in range(repeats)])
    for column, name in enumerate(x.columns):
        ours = permuted.permuted(column, orders)
        for r, order in enumerate(orders):
            theirs = adapter.predict_raw(_shuffled(x, name, order))
            assert np.abs(ours[r].reshape(theirs.shape) - theirs).max() <= EXACT


def _edge_frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.normal(size=(n, 5)), columns=["a", "b", "c", "d", "e"])
    frame.loc[rng.random(n) < 0.15, "a"] = np.nan
    frame.loc[rng.random(n) < 0.25, "b"] = 0.0
    frame["e"] = np.round(frame["e"] * 3)  # few values: many splits on the same input
    frame["colour"] = pd.Categorical(rng.choice(["red", "green", "blue", "amber", "grey", "teal"], n))
    frame.loc[rng.random(n) < 0.1, "colour"] = np.nan
    return frame


def _edge_target(frame: pd.DataFrame, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed + 1)
    colour = frame["colour"].cat.codes.to_numpy()
    return (
        frame["a"].fillna(2).to_numpy()
        + frame["b"] * frame["c"]
        + (colour % 3)
        + frame["e"]
        + rng.normal(size=len(frame))
    )


@pytest.mark.parametrize(
    "params",
    [
        {"objective": "binary"},
        {"objective": "binary", "zero_as_missing": True, "max_depth": 12, "num_leaves": 63},
        {"objective": "binary", "use_missing": False},
        {"objective": "multiclass", "num_class": 3},
        {"objective": "multiclassova", "num_class": 3},
        {"objective": "regression", "min_data_in_leaf": 1, "num_leaves": 7},
        {"objective": "poisson"},
    ],
    ids=["binary", "zero-missing-deep", "no-missing", "multiclass", "one-vs-rest", "regression", "poisson"],
)
def test_engine_equals_lightgbm_on_every_kind_of_split(params: dict[str, object]) -> None:
    frame = _edge_frame(3_000, seed=1)
    target = _edge_target(frame, seed=1)
    objective = params["objective"]
    if objective == "binary":
        label = (target > np.median(target)).astype(int)
    elif str(objective).startswith("multiclass"):
        label = np.digitize(target, np.quantile(target, [1 / 3, 2 / 3]))
    elif objective == "poisson":
        label = np.floor(np.exp(target / 3))
    else:
        label = target
    booster = lgb.train({"verbose": -1, "num_threads": 1, "seed": 0, **params}, lgb.Dataset(frame, label), 60)
    adapter = adapt_lightgbm(booster)
    unseen = _edge_frame(500, seed=2)
    unseen["colour"] = unseen["colour"].cat.add_categories(["violet"])
    unseen.loc[unseen.index[:40], "colour"] = "violet"  # a category the model never saw
    unseen.loc[unseen.index[40:60], "a"] = -0.0
    x = adapter.prepare(unseen)
    _check_against_lightgbm(adapter, x)
    # the adapter's own path: the engine for a batch, LightGBM for a row, and both add up
    batch = adapter.contributions(x, None, 0)
    assert batch.explainer.startswith("Fast TreeSHAP v2")
    raw = adapter.predict_raw(x)
    total = batch.base + batch.values.sum(axis=1)
    assert np.abs(total - raw).max() <= EXACT
    # shuffled inputs (NaN, zero-as-missing, categories among them) give the model's own output
    _check_permuted_against_predicting(adapter, x, repeats=2)


def test_one_leaf_trees_and_repeated_inputs() -> None:
    frame = pd.DataFrame({"x": np.repeat([0.0, 1.0], 50), "y": np.tile([0.0, 1.0], 50)})
    label = np.zeros(100)  # nothing to learn: every tree is one leaf
    booster = lgb.train({"objective": "regression", "verbose": -1, "min_data_in_leaf": 1}, lgb.Dataset(frame, label), 5)
    adapter = adapt_lightgbm(booster)
    _check_against_lightgbm(adapter, adapter.prepare(frame))
    stairs = pd.DataFrame({"x": np.linspace(0, 1, 400), "y": np.linspace(1, 0, 400) ** 2})
    booster = lgb.train(
        {"objective": "regression", "verbose": -1, "min_data_in_leaf": 2, "num_leaves": 40, "max_bin": 400},
        lgb.Dataset(stairs, np.sin(9 * stairs["x"]) + stairs["y"]),
        20,
    )  # a single input split again and again down each path
    _check_against_lightgbm(adapt_lightgbm(booster), stairs)


def test_threads_give_identical_values(loan: Bundle) -> None:
    adapter = loan.model
    assert isinstance(adapter, LightGBMAdapter)
    engine = adapter.treeshap_engine()
    assert engine is not None
    x = model_matrix(adapter.prepare(loan.table("reference")))
    assert np.array_equal(engine.contributions(x, threads=1), engine.contributions(x, threads=2))
    assert split_rows(1_000, 2) == [(0, 500), (500, 1000)]
    assert split_rows(10, 2) == [(0, 10)]  # too few rows to be worth a second thread


def test_tables_too_large_fall_back_to_lightgbm(loan: Bundle, monkeypatch: pytest.MonkeyPatch) -> None:
    adapter = loan.model
    assert isinstance(adapter, LightGBMAdapter)
    assert treeshap_engine(adapter.tree_arrays(), max_bytes=1_000) is None
    monkeypatch.setattr(engine_module, "MAX_TABLE_BYTES", 1_000)
    fresh = adapter.renamed({})  # a copy without a built engine
    x = fresh.prepare(loan.table("reference"))
    with all_cores():
        attribution = fresh.contributions(x, None, 0)
    assert fresh.treeshap_engine() is None
    assert attribution.explainer.startswith("LightGBM TreeSHAP")
    values, _base = _native(adapter, x)
    assert np.abs(attribution.values - values[:, :, 0]).max() <= EXACT


def test_leaf_walks_equal_lightgbm_predictions(bundles: dict[str, Bundle]) -> None:
    for name in ("loan", "grades", "limits"):
        adapter = bundles[name].model
        assert isinstance(adapter, LightGBMAdapter)
        x = adapter.prepare(bundles[name].table("reference"))
        walked = PermutedPredictions(adapter.tree_arrays(), model_matrix(x), threads=2).raw()
        native = np.asarray(adapter.estimator.predict(x, raw_score=True), dtype=float).reshape(len(x), -1)
        assert np.abs(walked - native).max() <= EXACT


def test_leaf_walks_equal_scikit_learn_forests() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(800, 4))
    x[rng.random(800) < 0.1, 2] = np.nan
    label = (np.nan_to_num(x[:, 2]) + x[:, 0] > 0).astype(int)
    forest = RandomForestClassifier(n_estimators=25, max_depth=8, random_state=0).fit(x, label)
    trees = from_sklearn_forest(forest)
    assert trees is not None
    walked = PermutedPredictions(trees, x).raw()
    assert np.abs(walked - forest.predict_proba(x)).max() <= EXACT
    regressor = ExtraTreesRegressor(n_estimators=20, random_state=0).fit(np.nan_to_num(x), x[:, 0] * 3)
    trees = from_sklearn_forest(regressor)
    assert trees is not None
    assert (
        np.abs(PermutedPredictions(trees, np.nan_to_num(x)).raw()[:, 0] - regressor.predict(np.nan_to_num(x))).max()
        <= EXACT
    )


def _forest_bundle(tmp_path: Path, task: str) -> Bundle:
    """A bundle around a scikit-learn random forest fitted on raw numeric inputs."""
    from explain import load_bundle, write_bundle
    from explain.bundle._spec_parse import parse_spec

    rng = np.random.default_rng(5)
    n = 1_500
    frame = pd.DataFrame(rng.normal(size=(n, 4)), columns=["w", "x", "y", "z"])
    frame.loc[rng.random(n) < 0.05, "y"] = np.nan
    signal = frame["w"] * 2 + frame["x"] * frame["z"] + np.nan_to_num(frame["y"].to_numpy())
    if task == "binary":
        model: RandomForestClassifier | ExtraTreesRegressor = RandomForestClassifier(
            n_estimators=30, max_depth=7, random_state=0
        )
        frame["outcome"] = (signal + rng.normal(size=n) > 0).astype(int)
    else:
        model = ExtraTreesRegressor(n_estimators=20, max_depth=9, random_state=0)
        frame["outcome"] = signal + rng.normal(size=n)
    model.fit(frame[["w", "x", "y", "z"]].iloc[:600], frame["outcome"].iloc[:600])
    frame.index = pd.Index([f"R{i}" for i in range(n)], name="id")
    spec = parse_spec(
        {"name": "Forest", "outcome_column": "outcome"} | ({} if task == "binary" else {"task": "regression"})
    )
    path = write_bundle(
        tmp_path / task, spec=spec, model=model, decisions=frame.iloc[600:800], reference=frame.iloc[800:]
    )
    return load_bundle(path)


@pytest.mark.parametrize("name", ["loan", "fraud", "grades", "limits"])
def test_fast_permutation_importance_equals_repredicting(bundles: dict[str, Bundle], name: str) -> None:
    from explain import permutation_importance

    bundle = bundles[name]
    options = {"n_repeats": 2, "n_bootstrap": 30, "max_rows": 800, "random_state": 7}
    fast = permutation_importance(bundle, **options)  # type: ignore[arg-type]
    slow = permutation_importance(bundle, method="repredict", **options)  # type: ignore[arg-type]
    assert fast.features == slow.features
    assert np.abs(fast.importance - slow.importance).max() <= EXACT
    assert np.abs(fast.low - slow.low).max() <= EXACT and np.abs(fast.high - slow.high).max() <= EXACT
    assert fast.baseline_score == slow.baseline_score
    assert np.abs(fast.importance).max() > 0.001  # shuffling does change the score


@pytest.mark.parametrize("task", ["binary", "regression"])
def test_fast_permutation_importance_on_scikit_learn_forests(tmp_path: Path, task: str) -> None:
    from explain import permutation_importance

    bundle = _forest_bundle(tmp_path, task)
    assert bundle.model.tree_arrays() is not None
    options = {"n_repeats": 3, "n_bootstrap": 40, "random_state": 1}
    fast = permutation_importance(bundle, **options)  # type: ignore[arg-type]
    slow = permutation_importance(bundle, method="repredict", **options)  # type: ignore[arg-type]
    assert np.abs(fast.importance - slow.importance).max() <= EXACT
    assert np.abs(fast.high - slow.high).max() <= EXACT
    assert fast.to_frame()["feature"].iloc[0] == "w"


def test_permuted_predictions_equal_predicting_the_shuffled_rows(loan: Bundle) -> None:
    adapter = loan.model
    assert isinstance(adapter, LightGBMAdapter)
    _check_permuted_against_predicting(adapter, adapter.prepare(loan.table("reference")), repeats=3)


def test_values_within_1e_35_of_zero_read_as_zero_as_lightgbm_reads_them() -> None:
    rng = np.random.default_rng(8)
    frame = pd.DataFrame({"z": rng.choice([-1.0, 0.0, 1.0], 2_000), "w": rng.normal(size=2_000)})
    label = ((frame["z"] == 0) ^ (frame["w"] > 0)).astype(int)
    for extra in ({}, {"zero_as_missing": True}):
        booster = lgb.train(
            {"objective": "binary", "verbose": -1, "min_data_in_leaf": 5, **extra}, lgb.Dataset(frame, label), 20
        )
        adapter = adapt_lightgbm(booster)
        tiny = [
            1e-35,
            -1e-35,
            float(np.float32(1e-35)),
            -float(np.float32(1e-35)),
            1e-36,
            -1e-36,
            5e-35,
            -0.0,
            0.0,
            np.nan,
        ]
        rows = pd.DataFrame({"z": np.tile(tiny, 30), "w": np.repeat(np.linspace(-1, 1, 30), len(tiny))})
        _check_against_lightgbm(adapter, rows)
        engine_raw = PermutedPredictions(adapter.tree_arrays(), model_matrix(rows)).raw()[:, 0]
        assert np.abs(engine_raw - booster.predict(rows, raw_score=True)).max() <= EXACT


def test_random_forest_mode_averages_like_lightgbm() -> None:
    frame = _edge_frame(2_000, seed=4).drop(columns="colour")
    label = (_edge_target(_edge_frame(2_000, seed=4), seed=4) > 1).astype(int)
    params = {"objective": "binary", "boosting": "rf", "bagging_freq": 1, "bagging_fraction": 0.7, "verbose": -1}
    booster = lgb.train(params, lgb.Dataset(frame, label), 10)
    adapter = adapt_lightgbm(booster)
    assert adapter.averaged_over == 10
    np.testing.assert_allclose(adapter.predict_response(frame), booster.predict(frame), rtol=0, atol=1e-12)
    many = adapter.contributions(adapter.prepare(frame), None, 0)  # the engine
    few = adapter.contributions(adapter.prepare(frame.head(50)), None, 0)  # LightGBM's own
    assert many.explainer.startswith("Fast") and few.explainer.startswith("LightGBM")
    assert np.abs(many.values[:50] - few.values).max() <= EXACT
    assert np.abs(many.base + many.values.sum(axis=1) - adapter.predict_raw(frame)).max() <= EXACT


def test_a_multiclass_forest_walks_to_its_class_shares() -> None:
    rng = np.random.default_rng(9)
    x = rng.normal(size=(900, 3))
    label = np.digitize(x[:, 0] + x[:, 1], [-0.5, 0.5])
    forest = RandomForestClassifier(n_estimators=15, max_depth=6, random_state=0).fit(x, label)
    trees = from_sklearn_forest(forest)
    assert trees is not None and trees.n_outputs == 3
    assert np.abs(PermutedPredictions(trees, x).raw() - forest.predict_proba(x)).max() <= EXACT
    assert treeshap_engine(trees) is None  # forests add to every class: explained by shap instead


def test_a_model_too_large_for_the_leaf_matrix_is_re_predicted(loan: Bundle, monkeypatch: pytest.MonkeyPatch) -> None:
    from explain import permutation_importance

    options = {"n_repeats": 2, "n_bootstrap": 20, "max_rows": 500, "random_state": 3}
    fast = permutation_importance(loan, **options)  # type: ignore[arg-type]
    monkeypatch.setattr(engine_module, "MAX_LEAF_MATRIX_BYTES", 1)
    guarded = permutation_importance(loan, **options)  # type: ignore[arg-type]
    assert np.abs(fast.importance - guarded.importance).max() <= EXACT
