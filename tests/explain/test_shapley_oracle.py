"""LightGBM's exact TreeSHAP (``pred_contrib``), which the library serves, checked against an independent oracle.

The oracle reads the trees from ``Booster.dump_model()``, routes rows with LightGBM's own rules for
missing values and categories (``Tree::NumericalDecision`` / ``Tree::CategoricalDecision`` in
LightGBM 4's ``tree.h``), defines the path-dependent value function v(S) of TreeSHAP (features outside
S are averaged over both children, weighted by training counts) and computes Shapley values by brute
force over all 2^M subsets. Nothing here calls LightGBM's or shap's SHAP code.
"""

from __future__ import annotations

from math import factorial

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest

from explain import Bundle, shap_values

FEATURES = ("a", "b", "c", "cnt", "color")
COLORS = ("red", "green", "blue", "amber", "violet")
COLOR_EFFECT = {"red": 1.5, "green": -1.0, "blue": 0.8, "amber": -1.6, "violet": 0.2}
ZERO_THRESHOLD = 1e-35  # LightGBM's kZeroThreshold: |x| <= this counts as zero


# --------------------------------------------------------------------------------------------- data


def _training_frame(seed: int = 7, n: int = 800) -> tuple[pd.DataFrame, np.ndarray]:
    """Numeric inputs with ~15% NaN (a, b, cnt), one without NaN (c), a 5-level category with NaN."""
    rng = np.random.default_rng(seed)
    a, b, c = rng.normal(size=n), rng.normal(size=n), rng.normal(size=n)
    cnt = rng.poisson(1.0, size=n).astype(float)  # many exact zeros
    color = rng.choice(COLORS, size=n)
    a_nan, b_nan, cnt_nan = (rng.random(n) < 0.15 for _ in range(3))
    color_nan = rng.random(n) < 0.10
    effect = np.array([COLOR_EFFECT[k] for k in color])
    score = (
        1.2 * np.where(a_nan, 1.5, a)  # missingness of a is informative
        - 0.8 * np.where(b_nan, -1.0, b)
        + np.where(color_nan, 0.0, effect)
        + 0.7 * (cnt == 0)
        + 0.6 * c
    )
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-score))).astype(int)
    a[a_nan], b[b_nan], cnt[cnt_nan] = np.nan, np.nan, np.nan
    frame = pd.DataFrame(
        {
            "a": a,
            "b": b,
            "c": c,
            "cnt": cnt,
            "color": pd.Categorical(np.where(color_nan, None, color), categories=list(COLORS)),
        }
    )
    return frame, y


def _explained_rows(seed: int = 11, n: int = 36) -> pd.DataFrame:
    """Rows to explain: every category and a missing one, NaN in every numeric input, exact zeros.

    ``c`` never is NaN in training, so its splits have missing_type None (or Zero): NaN here
    exercises LightGBM's "NaN becomes 0.0" rule.
    """
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "a": rng.normal(size=n),
            "b": rng.normal(size=n),
            "c": rng.normal(size=n),
            "cnt": rng.poisson(1.0, size=n).astype(float),
        }
    )
    idx = np.arange(n)
    frame.loc[idx % 4 == 1, "a"] = np.nan
    frame.loc[idx % 9 == 2, "a"] = 0.0
    frame.loc[idx % 5 == 2, "b"] = np.nan
    frame.loc[idx % 7 == 3, "b"] = 0.0
    frame.loc[idx % 6 == 4, "c"] = np.nan
    frame.loc[idx % 8 == 0, "c"] = 0.0
    frame.loc[idx % 3 == 0, "cnt"] = np.nan
    labels = [None if i % 6 == 5 else COLORS[i % 5] for i in idx]
    frame["color"] = pd.Categorical(labels, categories=list(COLORS))
    frame.index = pd.Index([f"row-{i:02d}" for i in idx])
    return frame


def _params(**extra) -> dict:
    return {
        "objective": "binary",
        "deterministic": True,
        "force_col_wise": True,
        "num_threads": 1,
        "seed": 3,
        "verbose": -1,
        "num_leaves": 8,
        "min_data_in_leaf": 5,
        "min_data_per_group": 5,
        "cat_smooth": 1.0,
        "cat_l2": 1.0,
        **extra,
    }


@pytest.fixture(scope="module", params=[False, True], ids=["nan-as-missing", "zero-as-missing"])
def model(request) -> lgb.Booster:
    frame, y = _training_frame()
    return lgb.train(_params(zero_as_missing=request.param), lgb.Dataset(frame, y), num_boost_round=20)


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    return _explained_rows()


# ------------------------------------------------------------------------------------------- oracle


def _codes(frame: pd.DataFrame) -> np.ndarray:
    """The float matrix LightGBM sees: category codes for categories (NaN where missing)."""
    out = frame.loc[:, list(FEATURES)].copy()
    codes = out["color"].cat.codes.to_numpy().astype(float)
    out["color"] = np.where(codes < 0, np.nan, codes)
    return out.to_numpy(dtype=float)


def _goes_left(node: dict, x: np.ndarray, *, legacy: bool = False) -> np.ndarray:
    """Which rows go to the left child, by LightGBM 4's decision rules.

    ``legacy=True`` swaps in wrong rules (plain ``x <= threshold`` with NaN as 0.0 and no default
    direction; NaN categories as category 0), to show that the real rules matter for these rows.
    """
    if node["decision_type"] == "==":
        left_set = np.array([int(t) for t in str(node["threshold"]).split("||")])
        if legacy:
            x = np.where(np.isnan(x), 0.0, x)
        valid = ~np.isnan(x) & (x >= 0)  # NaN and negative codes always go right
        return valid & np.isin(np.where(valid, x, -1).astype(np.int64), left_set)
    assert node["decision_type"] == "<=", node["decision_type"]
    threshold = float(node["threshold"])
    missing_type = node["missing_type"]
    if legacy:
        return np.where(np.isnan(x), 0.0, x) <= threshold
    if missing_type != "NaN":
        x = np.where(np.isnan(x), 0.0, x)
    if missing_type == "Zero":
        missing = np.abs(x) <= ZERO_THRESHOLD
    elif missing_type == "NaN":
        missing = np.isnan(x)
    else:
        assert missing_type == "None", missing_type
        missing = np.zeros(len(x), dtype=bool)
    return np.where(missing, bool(node["default_left"]), x <= threshold)


def _count(node: dict) -> int:
    return int(node["leaf_count"] if "leaf_value" in node else node["internal_count"])


def _tree_values(node: dict, x: np.ndarray, member: np.ndarray) -> np.ndarray:
    """v(S) of one tree for every subset (rows of ``member``) and every row of ``x``: (subsets, rows)."""
    if "leaf_value" in node:
        return np.full((member.shape[0], x.shape[0]), float(node["leaf_value"]))
    left, right = node["left_child"], node["right_child"]
    n_left, n_right = _count(left), _count(right)
    assert n_left + n_right == node["internal_count"]
    v_left, v_right = _tree_values(left, x, member), _tree_values(right, x, member)
    feature = node["split_feature"]
    routed = np.where(_goes_left(node, x[:, feature])[None, :], v_left, v_right)
    averaged = (n_left * v_left + n_right * v_right) / (n_left + n_right)
    return np.where(member[:, feature][:, None], routed, averaged)


def _leaf_index(node: dict, row: np.ndarray, *, legacy: bool = False) -> int:
    while "leaf_value" not in node:
        left = _goes_left(node, row[[node["split_feature"]]], legacy=legacy)[0]
        node = node["left_child"] if left else node["right_child"]
    return int(node.get("leaf_index", 0))


def _oracle(booster: lgb.Booster, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact Shapley values by enumeration: (phi (rows, M), v(empty) (rows,), v(all) (rows,))."""
    trees = [t["tree_structure"] for t in booster.dump_model()["tree_info"]]
    m = x.shape[1]
    subsets = np.arange(2**m)
    member = ((subsets[:, None] >> np.arange(m)[None, :]) & 1).astype(bool)
    v = sum(_tree_values(tree, x, member) for tree in trees)  # (2^M, rows)
    size = member.sum(axis=1)
    phi = np.zeros((x.shape[0], m))
    for j in range(m):
        without = subsets[~member[:, j]]
        weights = np.array([factorial(s) * factorial(m - s - 1) / factorial(m) for s in size[without]])
        phi[:, j] = weights @ (v[without | (1 << j)] - v[without])
    return phi, v[0], v[-1]


def _split_nodes(booster: lgb.Booster) -> list[dict]:
    found: list[dict] = []

    def walk(node: dict) -> None:
        if "leaf_value" not in node:
            found.append(node)
            walk(node["left_child"])
            walk(node["right_child"])

    for tree in booster.dump_model()["tree_info"]:
        walk(tree["tree_structure"])
    return found


# -------------------------------------------------------------------------------------------- tests


def test_model_has_categorical_and_missing_value_splits(model, rows):
    assert tuple(model.feature_name()) == FEATURES
    splits = _split_nodes(model)
    categorical = [s for s in splits if s["decision_type"] == "=="]
    assert categorical, "no categorical split: the oracle's category rules would go untested"
    assert all(s["split_feature"] == FEATURES.index("color") for s in categorical)
    assert any("||" in str(s["threshold"]) for s in categorical), "no many-vs-many categorical split"
    missing_aware = [s for s in splits if s["decision_type"] == "<=" and s["missing_type"] in ("NaN", "Zero")]
    assert missing_aware
    assert {s["default_left"] for s in missing_aware} == {True, False}
    # the missing-value rules change where these rows land: naive routing disagrees with LightGBM
    x = _codes(rows)
    leaves = model.predict(rows, pred_leaf=True, num_threads=1)
    naive = np.array(
        [[_leaf_index(t["tree_structure"], r, legacy=True) for t in model.dump_model()["tree_info"]] for r in x]
    )
    assert (naive != leaves).any(axis=1).sum() >= 3


def test_lightgbm_sees_pandas_category_codes(model, rows):
    """Categories reach LightGBM as their codes 0..k-1 in training order, and a missing one as NaN."""
    assert model.pandas_categorical == [list(COLORS)]
    by_frame = model.predict(rows, raw_score=True, num_threads=1)
    by_codes = model.predict(_codes(rows), raw_score=True, num_threads=1)
    np.testing.assert_array_equal(by_frame, by_codes)
    # the same labels in another category order are matched by name, not by code
    shuffled = rows.copy()
    shuffled["color"] = shuffled["color"].cat.reorder_categories(list(reversed(COLORS)))
    np.testing.assert_array_equal(model.predict(shuffled, raw_score=True, num_threads=1), by_frame)
    # every category and a missing one are among the explained rows
    assert set(rows["color"].dropna()) == set(COLORS)
    assert rows["color"].isna().any()


def test_oracle_routes_rows_like_lightgbm(model, rows):
    x = _codes(rows)
    trees = model.dump_model()["tree_info"]
    ours = np.array([[_leaf_index(t["tree_structure"], r) for t in trees] for r in x])
    np.testing.assert_array_equal(ours, model.predict(rows, pred_leaf=True, num_threads=1))


def test_pred_contrib_matches_brute_force_shapley(model, rows):
    x = _codes(rows)
    phi, v_empty, v_all = _oracle(model, x)
    contrib = model.predict(rows, pred_contrib=True, num_threads=1)
    assert contrib.shape == (len(rows), len(FEATURES) + 1)
    np.testing.assert_allclose(v_all, model.predict(rows, raw_score=True, num_threads=1), rtol=0, atol=1e-9)
    np.testing.assert_allclose(contrib[:, -1], v_empty, rtol=0, atol=1e-6)
    np.testing.assert_allclose(phi.sum(axis=1) + v_empty, v_all, rtol=0, atol=1e-9)
    assert np.max(np.abs(contrib[:, :-1] - phi)) < 1e-6
    # the values are not trivially zero: every input matters somewhere
    assert (np.abs(phi).max(axis=0) > 1e-3).all()


def test_library_shap_values_match_oracle(model, rows):
    decisions = rows.rename_axis("id").reset_index()
    bundle = Bundle.from_estimator(model, decisions, id_column="id")
    ids = list(reversed(rows.index))
    res = shap_values(bundle, ids=ids, data="decisions")
    assert list(res.ids) == ids
    assert set(res.feature_names) == set(FEATURES)
    phi, v_empty, v_all = _oracle(model, _codes(rows.loc[ids]))
    order = [FEATURES.index(f) for f in res.feature_names]
    assert res.values.shape == (len(ids), len(FEATURES))
    assert np.max(np.abs(res.values - phi[:, order])) < 1e-6
    np.testing.assert_allclose(res.base_values, v_empty, rtol=0, atol=1e-6)
    np.testing.assert_allclose(res.raw_output, v_all, rtol=0, atol=1e-9)


def test_stump_has_closed_form_values():
    """One split on ``a``: phi_a = f(x) - E[f] with E[f] the count-weighted leaf mean; others 0."""
    rng = np.random.default_rng(5)
    n = 400
    a = rng.normal(size=n)
    y = (a > 0.3).astype(int)
    a[rng.random(n) < 0.15] = np.nan
    y[np.isnan(a)] = 1
    frame = pd.DataFrame({"a": a, "b": rng.normal(size=n), "c": rng.normal(size=n)})
    booster = lgb.train(_params(num_leaves=2), lgb.Dataset(frame, y), num_boost_round=1)

    trees = booster.dump_model()["tree_info"]
    assert len(trees) == 1
    root = trees[0]["tree_structure"]
    assert root["split_feature"] == 0 and root["decision_type"] == "<="
    left, right = root["left_child"], root["right_child"]
    assert "leaf_value" in left and "leaf_value" in right
    assert root["missing_type"] == "NaN"
    assert root["default_left"] is False  # the NaN rows are positives, like the right side

    probe = pd.DataFrame(
        {
            "a": np.r_[rng.normal(size=17), np.nan, np.nan, root["threshold"], -5.0, 5.0],
            "b": rng.normal(size=22),
            "c": rng.normal(size=22),
        }
    )
    probe.loc[3, "b"] = np.nan
    n_left, n_right = left["leaf_count"], right["leaf_count"]
    expected = (n_left * left["leaf_value"] + n_right * right["leaf_value"]) / (n_left + n_right)
    xa = probe["a"].to_numpy()
    goes_left = np.where(np.isnan(xa), root["default_left"], xa <= root["threshold"])
    f = np.where(goes_left, left["leaf_value"], right["leaf_value"])
    assert goes_left.any() and (~goes_left).any()

    contrib = booster.predict(probe, pred_contrib=True, num_threads=1)
    np.testing.assert_allclose(booster.predict(probe, raw_score=True, num_threads=1), f, rtol=0, atol=1e-12)
    np.testing.assert_allclose(contrib[:, -1], expected, rtol=0, atol=1e-9)
    np.testing.assert_allclose(contrib[:, 0], f - expected, rtol=0, atol=1e-9)
    np.testing.assert_allclose(contrib[:, 1:3], 0.0, rtol=0, atol=1e-9)
