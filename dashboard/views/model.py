"""Model overview: the model card."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import cache
from dashboard.components.page import current_bundle
from dashboard.text import md

key, bundle = current_bundle()
card = cache.card(key, bundle.fingerprint)
st.title(md(f"Model · {card.name}"))
c1, c2, c3, c4 = st.columns(4)
c1.metric("Task", card.task)
c2.metric("Inputs", card.n_inputs)
c3.metric("Output space", card.output_space)
c4.metric("Threshold", f"{100 * card.threshold:g}%")
st.markdown(md(f"{card.model}. Above the threshold: “{card.verdicts[0]}”; below: “{card.verdicts[1]}”."))
st.markdown("#### Held-out performance")
if card.metrics:
    cols = st.columns(len(card.metrics))
    for col, (name, value) in zip(cols, card.metrics.items(), strict=True):
        percent = name in ("Observed rate", "Mean score", "Share above threshold")
        col.metric(name, f"{100 * value:.1f}%" if percent else f"{value:.3f}")
    st.caption(md(card.metrics_note))
else:
    st.info(md(card.metrics_note))
st.markdown("#### Data dictionary")
st.dataframe(card.dictionary, hide_index=True)
st.markdown("#### Rows")
st.dataframe(pd.DataFrame({"table": list(card.rows), "rows": list(card.rows.values())}), hide_index=True)
st.caption(md(card.stamp.text()))
