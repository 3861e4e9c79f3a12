"""Streamlit's command line for the floor app, with its imports and its table read done in a
thread while the server starts (what ``dashboard.serve`` does for the dashboard), so the floor
gets the same head start."""

import runpy
import sys
import threading

import streamlit  # noqa: F401  (whole, before the thread: see dashboard/serve.py)


def _warm() -> None:
    import pandas
    import plotly.graph_objects  # noqa: F401

    pandas.read_parquet(sys.argv[-1])


threading.Thread(target=_warm, daemon=True).start()
runpy.run_module("streamlit", run_name="__main__", alter_sys=True)
