"""Dependence: one input's SHAP values against its values, and partial dependence with ICE lines."""

from __future__ import annotations

import streamlit as st

from dashboard import cache
from dashboard.components.page import current_bundle
from dashboard.components.progress import progress_bar
from dashboard.text import md
from explain.figures import DEFAULT_THEME, dependence_scatter, pdp_ice

key, bundle = current_bundle()
fp = bundle.fingerprint
st.title(md(f"Dependence · {bundle.name}"))
shap_imp = cache.shap_importance_result(key, fp, bundle.population_table)
ranked = list(shap_imp.to_frame()["feature"])
feature = st.selectbox(
    "Input",
    ranked,
    format_func=bundle.spec.label,
    key=f"dependence_feature::{key}",
    help="Inputs are listed from the most to the least important (mean |SHAP|).",
)
target_class = None
if bundle.spec.task == "multiclass":
    target_class = st.selectbox(
        "Class", list(bundle.model.classes), format_func=bundle.spec.classes.label, key=f"dependence_class::{key}"
    )
with progress_bar("Dependence") as progress:
    result = cache.dependence_result(key, fp, feature, target_class, _progress=progress)
st.plotly_chart(dependence_scatter(result, bundle.spec, theme=DEFAULT_THEME), theme=None)
partner = bundle.spec.label(result.color_feature) if result.color_feature else "nothing"
st.caption(
    md(
        f"Coloured by {partner}, its strongest interacting input, found with {result.ranking.method}: "
        f"{result.ranking.note}. {len(result.ids):,} reference rows."
    )
)
st.markdown("#### Partial dependence and individual lines (ICE)")
centered = st.toggle("Centre each line at the first grid value", key=f"pdp_centered::{key}")
pdp = cache.pdp_result(key, fp, feature, target_class)
st.plotly_chart(pdp_ice(pdp, bundle.spec, centered=centered, theme=DEFAULT_THEME), theme=None)
st.caption(
    md(
        f"The thick line is the average {pdp.what or 'score'} when every one of {pdp.n_rows:,} sampled reference rows takes each "
        f"value of the input; thin lines follow {len(pdp.ice_ids)} individual rows. Grid: "
        + (
            "every category the model knows."
            if pdp.categorical
            else f"{len(pdp.grid)} quantiles of the reference data."
        )
    )
)
