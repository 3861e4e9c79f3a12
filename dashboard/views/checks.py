"""Checks: does each effect point the expected way, and how far can the explanations be trusted?"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import cache
from dashboard.components.page import current_bundle
from dashboard.components.progress import computed
from dashboard.components.tables import whole_table
from dashboard.text import md
from explain import format_count, format_ratio

key, bundle = current_bundle()
fp = bundle.fingerprint
st.title(md(f"Checks · {bundle.name}"))
st.markdown("#### Direction of each effect")
direction = cache.direction_result(key, fp)
if not direction.features:
    st.info(
        "The spec gives no expected effect for any numeric input"
        + (" (or no order of the classes to say which way is worse)" if bundle.spec.task == "multiclass" else "")
        + ", so there is nothing to check."
    )
else:
    if direction.disagreements:
        labels = ", ".join(bundle.spec.label(f) for f in direction.disagreements)
        st.warning(md(f"The model's effect runs against the expected direction for: {labels}."))
    else:
        st.success(
            "Every input with an expected effect moves the score the expected way (or shows no clear direction)."
        )
    frame = direction.to_frame()
    whole_table(
        pd.DataFrame(
            {
                "Input": frame["label"],
                "Expected": ["raises the score" if e == "increases" else "lowers the score" for e in frame["expected"]],
                "Observed": [
                    {"increases": "raises the score", "decreases": "lowers the score"}.get(o, o)
                    for o in frame["observed"]
                ],
                "Spearman ρ (value against its SHAP value)": [format_ratio(v) for v in frame["spearman"]],
                "Agrees": ["yes" if a else "no" for a in frame["agrees"]],
            }
        )
    )
    st.caption(
        md(
            f"Observed on {format_count(direction.n_rows)} reference rows: the sign of the rank correlation between each input's value and its SHAP value."
        )
    )

st.markdown("#### Explanation quality")
quality = computed(
    "Explanation quality",
    lambda progress: cache.quality_result(key, fp, _progress=progress),
    unavailable="Explanation quality needs reference data with outcomes",
)
c1, c2, c3 = st.columns(3)
c1.metric(
    "Additivity residual",
    f"{quality.additivity_residual:.1e}",
    help="Largest |baseline + Σ contributions − model output| on the sample, recomputed against the model's own predict.",
)
c2.metric(
    "Rank agreement (Spearman)",
    format_ratio(quality.rank_agreement),
    help="Between mean |SHAP| and permutation importance.",
)
c3.metric(
    "Top-five stability (Jaccard)",
    format_ratio(quality.top_five_stability),
    help=f"Mean over {quality.n_resamples} bootstrap resamples of rows.",
)
st.markdown(
    md(
        f"Explainer: {quality.explainer}. Output space: {quality.output_space}. Background: {quality.background}. "
        f"Sample: {quality.n_rows:,} reference rows. Top five: "
        + ", ".join(bundle.spec.label(f) for f in quality.top_five)
        + "."
    )
)
