"""Drift: the reference data against the current batch or an uploaded one."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from dashboard import access, cache
from dashboard.components.page import current_bundle
from dashboard.components.progress import progress_bar
from dashboard.components.tables import whole_table
from dashboard.text import md
from explain import (
    MIN_BATCH_ROWS,
    ExplainError,
    format_p_value,
    format_percent,
    format_points,
    format_psi,
    format_rate,
    format_value,
    read_batch,
    task_units,
)
from explain.figures import DEFAULT_THEME as THEME
from explain.figures import drift_bins_chart, drift_importance_chart, drift_psi_chart, drift_score_chart

key, bundle = current_bundle()
st.title(md(f"Drift · {bundle.name}"))
if bundle.reference is None:
    st.info("Drift compares a batch with the reference data, and this bundle has none.")
    st.stop()
upload_state = f"drift_upload::{key}"
uploaded = st.file_uploader(
    "Compare with a batch of your own (CSV or Parquet with the model's columns)",
    type=["csv", "parquet"],
    key=f"drift_file::{key}",
)
if uploaded is None:
    st.session_state.pop(upload_state, None)  # removing the file returns to the bundle's own batch
else:
    data = uploaded.getvalue()
    digest = hashlib.sha256(data).hexdigest()[:16]
    if st.session_state.get(upload_state, (None,))[0] != digest:
        try:
            frame = read_batch(data, uploaded.name, bundle)
        except ExplainError as err:
            kept = st.session_state.get(upload_state)
            still = (
                f" Still showing the last file that worked, {kept[1]}."
                if kept
                else " Showing the bundle's own batch instead."
                if bundle.current is not None
                else ""
            )
            st.error(md(f"{uploaded.name} could not be used: {err}{still}"))
        else:
            if access.recorded(
                access.session_user(), "upload", bundle=bundle, detail=f"drift batch {uploaded.name}: {len(frame)} rows"
            ):
                st.session_state[upload_state] = (digest, uploaded.name, frame)
batch_name, batch_key, batch_frame = "the bundle's current batch", "current", None
if upload_state in st.session_state:
    digest, name, batch_frame = st.session_state[upload_state]
    batch_name, batch_key = f"the uploaded file {name}", f"upload:{digest}"
elif bundle.current is None:
    st.info("This bundle has no current batch; upload one above to compare it with the reference data.")
    st.stop()
with progress_bar("Measuring drift") as progress:
    result = cache.drift(key, bundle.fingerprint, batch_key, _batch=batch_frame, _progress=progress)
st.markdown(
    md(f"Showing: reference data ({result.n_reference:,} rows) against {batch_name} ({result.n_batch:,} rows).")
)
if not result.meaningful:
    st.warning(
        md(
            f"{batch_name.capitalize()} has only {result.n_batch:,} rows: too few to measure drift meaningfully (at "
            f"least {MIN_BATCH_ROWS:,} are needed, so that each of the ten bins holds enough cases). Upload a larger "
            "batch."
        )
    )
    st.stop()
major = [bundle.spec.label(f) for f, s in zip(result.features, result.status, strict=True) if s == "major"]
moderate = [bundle.spec.label(f) for f, s in zip(result.features, result.status, strict=True) if s == "moderate"]
if major:
    st.error(md("Major shift (PSI ≥ 0.25): " + ", ".join(major)), icon="📈")
if moderate:
    st.warning(md("Moderate shift (PSI 0.1–0.25): " + ", ".join(moderate)))
if not major and not moderate:
    st.success("No input has shifted: every PSI is below 0.1.")
kind = result.output_kind
c1, c2, c3 = st.columns(3)
psi_name = {"score": "Score PSI", "estimate": "Estimate PSI", "class": "Predicted-class PSI"}[kind]
c1.metric(psi_name, format_psi(result.score_psi), help="Population stability index of the model's output.")
if kind == "estimate":
    units = task_units(bundle)
    c2.metric(
        md(f"Mean {bundle.spec.target.label}"),
        units.value(result.score_mean_batch),
        delta=units.effect(result.score_mean_batch - result.score_mean_reference),
        delta_color="off",
    )
else:
    c2.metric(
        md(f"Mean {bundle.spec.score_label}" if kind == "score" else "Mean chance of the predicted class"),
        format_percent(result.score_mean_batch),
        delta=format_points(result.score_mean_batch - result.score_mean_reference),
        delta_color="off",
    )
if kind == "score":
    c3.metric(
        md(f"Share “{bundle.spec.decision.above}”"),
        format_rate(result.flagged_batch),
        delta=format_points(result.flagged_batch - result.flagged_reference),
        delta_color="off",
    )
st.plotly_chart(drift_psi_chart(result, theme=THEME), theme=None)
feature = st.selectbox(
    "Look at one input", list(result.features), format_func=bundle.spec.label, key=f"drift_feature::{key}"
)
left, right = st.columns(2)
left.plotly_chart(drift_bins_chart(result, feature, theme=THEME), theme=None)
right.plotly_chart(drift_score_chart(result, theme=THEME), theme=None)
if result.importance_reference is not None:
    st.plotly_chart(drift_importance_chart(result, theme=THEME), theme=None)
frame = result.to_frame()
status_words = {"stable": "stable", "moderate": "moderate shift", "major": "major shift"}
whole_table(
    pd.DataFrame(
        {
            "Input": frame["label"],
            "PSI": [format_psi(v) for v in frame["psi"]],
            "Status": [status_words[s] for s in frame["status"]],
            "Mean (reference)": [
                "" if c else format_value(v, bundle.spec.feature(f))
                for f, c, v in zip(frame["feature"], frame["categorical"], frame["mean_reference"], strict=True)
            ],
            "Mean (batch)": [
                "" if c else format_value(v, bundle.spec.feature(f))
                for f, c, v in zip(frame["feature"], frame["categorical"], frame["mean_batch"], strict=True)
            ],
            "Not provided (reference)": [format_rate(v) for v in frame["missing_reference"]],
            "Not provided (batch)": [format_rate(v) for v in frame["missing_batch"]],
            "Test": frame["test"],
            "p-value": [format_p_value(v) for v in frame["p_value"]],
        }
    )
)
st.caption(
    "PSI uses ten reference-decile bins (categories as bins) plus one for missing values. Distribution tests are "
    "shown for completeness: at these sizes almost every p-value is tiny, so read the PSI."
)
