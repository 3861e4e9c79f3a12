"""Similar past decisions: the nearest reference rows, each opening its own page."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import cache, state
from dashboard.components.task_browser import target_format
from dashboard.text import md
from explain import (
    TABLE_FORMATS,
    Bundle,
    DecisionResult,
    ExplainError,
    format_value,
    input_changed,
    outcome_text,
    upper_first,
)

SHOWN_INPUTS = 4


def similar_panel(key: str, bundle: Bundle, result: DecisionResult, table: str) -> None:
    """The five nearest reference rows beside this case, on the inputs that matter most for this
    decision (values that differ from this case are marked ≠); selecting one opens it."""
    try:
        similar = cache.similar(key, bundle.fingerprint, result.id, table)
    except ExplainError as err:
        st.info(md(str(err)))
        return
    c = result.contributions
    sensitive = set(bundle.spec.sensitive_features)
    order = [j for j in np.argsort(-np.abs(c.probability), kind="stable") if c.features[j] not in sensitive]
    inputs = [c.features[j] for j in order[:SHOWN_INPUTS]]
    rows = bundle.table("reference").loc[list(similar.ids)]
    frame = similar.to_frame()
    p = result.prediction
    score_name, scale, score_format, this_score = "Score", 100.0, TABLE_FORMATS["score"], p.score
    if p.task == "multiclass":  # the chance of each case's most probable class
        score_name, this_score = "Chance", p.class_probabilities[0][1]
    elif p.task == "regression":
        score_name, scale, score_format = upper_first(p.score_label), 1.0, target_format(bundle)
    view = pd.DataFrame(
        {
            "Id": ["This case", *frame["id"]],
            "Similarity": [100.0, *(100 * (1 - frame["distance"]))],
            score_name: [scale * this_score, *(scale * frame["score"])],
            "Verdict": [result.prediction.verdict, *frame["verdict"]],
            "Known outcome": [
                outcome_text(bundle, result.outcome),
                *(outcome_text(bundle, o) for o in frame["outcome"]),
            ],
        }
    )
    for name in inputs:
        feature = bundle.spec.feature(name)
        mine = c.values[c.features.index(name)]
        cells = [format_value(mine, feature)]
        for value in rows[name]:
            text = format_value(value, feature)
            cells.append(f"≠ {text}" if input_changed(mine, value) else text)
        view[feature.label] = cells
    event = st.dataframe(
        view,
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key=f"similar::{key}::{table}::{result.id}",
        column_config={
            "Similarity": st.column_config.NumberColumn(format=TABLE_FORMATS["rate"]),
            score_name: st.column_config.NumberColumn(format=score_format),
        },
    )
    st.caption(
        "Past cases from the reference data closest on every model input (Gower distance: numbers by their share "
        "of the observed range, categories equal or not, missing values matched). The columns on the right are the "
        "inputs that moved this decision most; ≠ marks a value that differs from this case. Select a case to open it."
    )
    picked = event.selection.rows if event is not None else []  # type: ignore[union-attr]
    if picked and picked[0] > 0:
        state.open_decision(str(frame["id"].iloc[picked[0] - 1]), "reference")
        st.rerun()
