"""``python -m dashboard.serve run APP [settings] -- --bundle PATH ...``: Streamlit's own command
line, with the named bundles loading while the server starts.

Streamlit runs the app only when a browser connects, so a first visitor would wait for the
bundles to load (LightGBM's import, the model check in a child process, the tables). Here a
background thread loads them through :mod:`dashboard.cache` (the one the pages use) while the
server binds and the browser fetches the page; a session that asks first waits for that load
rather than starting its own. ``explain serve`` starts the server this way.
"""

from __future__ import annotations

import logging
import runpy
import sys
import threading


def _load_named_bundles(script_args: list[str]) -> None:
    """Load every bundle given with ``--bundle`` (samples are left to the first-start build)."""
    try:
        from dashboard import cache

        cache.preload(script_args)
    except Exception:  # never stop the server from starting
        logging.getLogger("dashboard").exception("loading the bundles ahead of the first visit failed")


def main() -> None:
    """Start the loading thread, then become ``python -m streamlit`` with the same arguments."""
    args = sys.argv[1:]
    script_args = args[args.index("--") + 1 :] if "--" in args else []
    # Streamlit first, whole, in this thread: importing it configures plotly's theme, and plotly
    # then looks pandas up in sys.modules without importing it. With the loading thread halfway
    # through importing pandas, it found a partly initialised module and the server died at
    # start ("partially initialized module 'pandas' has no attribute 'Series"), about one start in ten.
    import streamlit  # noqa: F401

    threading.Thread(target=_load_named_bundles, args=(script_args,), name="explain-preload", daemon=True).start()
    runpy.run_module("streamlit", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
