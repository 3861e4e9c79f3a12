"""Global importance: mean |SHAP| and permutation importance with intervals, and the SHAP summary."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from dashboard import cache
from dashboard.components.page import current_bundle
from dashboard.components.progress import maybe_computed, progress_bar
from dashboard.text import md
from explain import format_metric, rank_differences
from explain.figures import DEFAULT_THEME, importance_bars, shap_beeswarm

key, bundle = current_bundle()
fp = bundle.fingerprint
st.title(md(f"Importance · {bundle.name}"))
data = bundle.population_table
with progress_bar("Mean |SHAP|") as progress:
    shap_imp = cache.shap_importance_result(key, fp, data, _progress=progress)
perm = maybe_computed(
    "Permutation importance",
    lambda progress: cache.permutation_result(key, fp, _progress=progress),
    unavailable="Permutation importance needs reference data with outcomes",
)
st.plotly_chart(importance_bars(shap_imp, perm, theme=DEFAULT_THEME), theme=None)
where = "reference" if data == "reference" else "decision"
st.caption(
    md(
        f"Mean |SHAP| on {shap_imp.n_rows:,} {where} rows"
        + (
            ""
            if perm is None
            else f"; permutation importance on {perm.n_rows:,} reference rows, {perm.n_repeats} shuffles each, "
            f"scored by {perm.scoring_name} (baseline {format_metric(perm.baseline_score or 0.0)})"
        )
        + f". Bars show 95% bootstrap intervals ({shap_imp.n_bootstrap} resamples of rows)."
    )
)
flags = rank_differences(shap_imp, perm) if perm is not None else None
if flags is None:
    pass
elif len(flags):
    names = ", ".join(
        f"{bundle.spec.label(str(f))} (SHAP rank {int(a)}, permutation rank {int(b)})"
        for f, a, b in zip(flags["feature"], flags["shap_rank"], flags["permutation_rank"], strict=True)
    )
    st.warning(
        md(
            f"The two methods disagree by three or more ranks on: {names}. This usually means correlated inputs "
            "(permutation breaks them apart, SHAP shares credit between them), leakage (an input the model leans "
            "on that should not carry so much information), or overfitting (SHAP credits splits that do not help "
            "on held-out data)."
        )
    )
else:
    st.success("SHAP and permutation importance agree: no feature among the top ten differs by three or more ranks.")
task = bundle.spec.task
moved = {"binary": "score", "regression": bundle.spec.target.label, "multiclass": "class's margin"}[task]
st.markdown(f"#### How each input pushes the {md(moved)}, row by row")
sample = cache.shap_sample(key, fp, data, 2_000)
if task == "multiclass":  # one class at a time: the margin of the class picked
    classes = list(bundle.model.classes)
    chosen = st.selectbox("Class", classes, format_func=bundle.spec.classes.label, key=f"importance_class::{key}")
    c = classes.index(chosen)
    sample = replace(
        sample, values=sample.values[:, :, c], base_values=sample.base_values[:, c], raw_output=sample.raw_output[:, c]
    )
rows = bundle.table(data).loc[list(sample.ids)]
fig = shap_beeswarm(sample, rows, bundle.spec, categorical=bundle.model.categorical_features, theme=DEFAULT_THEME)
st.plotly_chart(fig, theme=None)
st.caption(
    f"Each dot is one {where} row: its position is the input's contribution (right raises the {moved}), its colour "
    "the input's value (blue low, orange high; categories in distinct colours)."
)
