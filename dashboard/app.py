"""Entry point: ``streamlit run dashboard/app.py [-- --bundle PATH ...]``."""

from __future__ import annotations

import streamlit as st

from dashboard import cache
from dashboard.text import md
from explain import ExplainError, shap_values

st.set_page_config(page_title="Explain decisions", layout="wide")
cache.samples_built()
keys = [e.key for e in cache.entries()]
key = st.sidebar.selectbox("Model", keys)
try:
    bundle = cache.bundle(key)
except ExplainError as err:
    st.error(md(str(err)))
    st.stop()
st.title(md(bundle.name))
decision = st.selectbox("Decision", list(bundle.decisions.index[:500]))
result = shap_values(bundle, [decision])
frame = result.to_frame().T.rename(columns={decision: "contribution"})
frame.insert(0, "feature", [bundle.spec.label(f) for f in frame.index])
st.dataframe(frame, hide_index=True)
