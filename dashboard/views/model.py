"""Model overview: the model card."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import cache
from dashboard.components.page import current_bundle
from dashboard.components.tables import whole_table
from dashboard.text import md
from explain import format_count, format_metric, format_percent, format_rate, task_units

key, bundle = current_bundle()
card = cache.card(key, bundle.fingerprint)
spec = bundle.spec
st.title(md(f"Model · {card.name}"))
rows = ", ".join(f"{format_count(n)} {name}" for name, n in card.rows.items())
if bundle.spec.task == "binary":
    how = (
        f"Each case gets a score, the {card.score_label}; at or above {format_percent(card.threshold)} the verdict "
        f"is “{card.verdicts[0]}”, below it “{card.verdicts[1]}”."
    )
elif bundle.spec.task == "multiclass":
    rules = spec.classes
    how = "Each case gets a chance of each class; the verdict is the most probable class" + (
        f", unless its chance is below {format_percent(rules.min_probability)}: then “{rules.otherwise}”."
        if rules.min_probability is not None
        else "."
    )
else:
    bands = ", ".join(b.label for b in spec.target.bands)
    how = f"Each case gets an estimate of the {spec.target.label}" + (f", in the bands {bands}." if bands else ".")
st.markdown(md(f"A {card.task} model: {card.model}. {how} Output space: {card.output_space}. Rows: {rows}."))
for name, share in card.sensitive_inputs.items():
    st.info(
        md(
            f"This model uses {spec.label(name)}, which is marked sensitive: it is never given as a reason or changed "
            f"by a suggestion, and it carries {format_percent(share)} of the model's mean |SHAP|."
        )
    )
st.markdown("#### Held-out performance")
if card.metrics:
    words = {
        "ROC AUC": ("ROC AUC", "how well scores rank cases that turned out one way above the others (0.5 is chance)"),
        "Average precision": ("Average precision", "precision averaged over every threshold"),
        "Log-loss": ("Log-loss", "error of the scores as probabilities (lower is better)"),
        "Brier score": ("Brier score", "mean squared error of the scores (lower is better)"),
        "Observed rate": (f"Share “{spec.outcome_label(1)}”", "how often the outcome occurred"),
        "Mean score": (f"Mean {card.score_label}", "the average score the model gave"),
        "Share above threshold": (f"Share “{card.verdicts[0]}”", "cases at or above the threshold"),
        "Accuracy": ("Accuracy", "cases whose most probable class is the true one"),
        "Top-2 accuracy": ("Top-2 accuracy", "cases whose true class is among the two most probable"),
        "Macro ROC AUC": ("Macro ROC AUC", "each class against the rest, averaged (0.5 is chance)"),
        "Mean absolute error": ("Mean absolute error", "the typical distance between estimate and actual value"),
        "Root mean squared error": ("Root mean squared error", "like the mean error, with large misses weighing more"),
        "R²": ("R²", "share of the actual values' variation the estimates explain (1 is perfect)"),
    }
    rates = ("Observed rate", "Mean score", "Share above threshold", "Accuracy", "Top-2 accuracy")
    in_units = ("Mean absolute error", "Root mean squared error")
    whole_table(
        pd.DataFrame(
            {
                "Measure": [words[n][0] for n in card.metrics],
                "Value": [
                    format_rate(v) if n in rates else task_units(bundle).value(v) if n in in_units else format_metric(v)
                    for n, v in card.metrics.items()
                ],
                "What it says": [words[n][1] for n in card.metrics],
            }
        )
    )
    st.caption(md(card.metrics_note))
else:
    st.info(md(card.metrics_note))
st.markdown("#### Data dictionary")
whole_table(card.dictionary.rename(columns=str.capitalize))
st.caption(md(card.stamp.text()))
