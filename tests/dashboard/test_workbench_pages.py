"""AppTest of the workbench pages: one shown number equals the library's, on every sample."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from explain import Bundle, format_metric
from explain.attribution._checks import explanation_quality
from explain.attribution._importance import permutation_importance, shap_importance
from explain.evaluation._model_card import model_card
from tests.dashboard.conftest import APP, TIMEOUT, assert_healthy, shown_table
from tests.dashboard.test_app import _all_markdown
from tests.hostile import assert_no_live_markup

SAMPLES = ["loan", "churn", "fraud"]


def open_page(page: str, bundle: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["bundle"] = bundle
    at.run()
    at.switch_page(f"views/{page}.py").run()
    assert_healthy(at)
    return at


@pytest.mark.parametrize("name", SAMPLES)
def test_model_page_shows_the_held_out_auc(name: str, bundles: dict[str, Bundle]) -> None:
    at = open_page("model", name)
    card = model_card(bundles[name])
    table = shown_table(at, "Measure").set_index("Measure")
    assert table.loc["ROC AUC", "Value"] == format_metric(card.metrics["ROC AUC"])
    assert len(shown_table(at, "Column")) == len(card.dictionary)


@pytest.mark.parametrize("name", SAMPLES)
def test_importance_and_dependence_pages_show_the_top_feature(name: str, bundles: dict[str, Bundle]) -> None:
    bundle = bundles[name]
    at = open_page("importance", name)
    assert len(at.get("plotly_chart")) == 2
    at = open_page("dependence", name)
    top = shap_importance(bundle).to_frame()["feature"].iloc[0]
    assert at.selectbox(key=f"dependence_feature::{name}").value == top
    assert len(at.get("plotly_chart")) == 2
    caption = " ".join(c.value for c in at.caption)
    method = "approximate ranking" if name in ("loan", "fraud") else "SHAP interaction values"
    assert method in caption


@pytest.mark.parametrize("name", SAMPLES)
def test_checks_page_shows_the_additivity_residual(name: str, bundles: dict[str, Bundle]) -> None:
    bundle = bundles[name]
    at = open_page("checks", name)
    quality = explanation_quality(bundle, shap_importance(bundle), permutation_importance(bundle))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Additivity residual"] == f"{quality.additivity_residual:.1e}"
    assert metrics["Rank agreement (Spearman)"] == f"{quality.rank_agreement:.2f}"


def test_loan_dependence_page_says_the_fallback_was_used() -> None:
    at = open_page("dependence", "loan")
    caption = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "approximate ranking" in caption and "mishandles LightGBM categorical splits" in caption


@pytest.mark.parametrize("page", ["model", "importance", "dependence", "checks"])
def test_hostile_bundle_on_workbench_pages(page: str) -> None:
    at = open_page(page, "hostile")
    for text in _all_markdown(at):
        assert_no_live_markup(text)
