"""The least a Streamlit page can do to show one decision's chart: read the decisions table
and draw one plotly waterfall of a row. ``bench_engine.py`` times it from process start, beside
the dashboard, as the floor any Streamlit-and-plotly dashboard starts from on this machine."""

import sys

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

row = pd.read_parquet(sys.argv[1]).iloc[42]
values = [float(v) for v in row.to_numpy() if isinstance(v, int | float)][:19]
st.title(f"Decision {row.name}")
st.plotly_chart(go.Figure(go.Waterfall(x=[str(i) for i in range(len(values))], y=values)))
