"""``explain serve`` loads the named bundles while the server starts, through the app's one
cache, so the first visitor finds them loaded (a separate process: the cache is per process)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

_PRELOAD = """
import sys
from dashboard import cache, serve
serve._load_named_bundles(["--bundle", sys.argv[1]])  # what the server thread runs at start
keys = [e.key for e in cache.entries()]
loaded = "loan" in cache._bundles  # before any visitor asked
bundle = cache.bundle("loan")  # the first visitor's request
print(keys, type(bundle).__name__, bundle.decision_count, loaded)
"""


def test_the_server_loads_named_bundles_before_the_first_visit(samples_dir: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_PRELOAD), str(samples_dir / "loan")],
        env={"EXPLAIN_NO_SAMPLES": "1", "PATH": "/usr/bin:/bin", "HOME": str(Path.home())},
        capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    keys, kind, count, loaded = done.stdout.split("] ")[0] + "]", *done.stdout.split("] ")[1].split()
    assert keys == "['loan']" and kind == "Bundle" and int(count) > 0
    assert loaded == "True"  # in memory before the first request


def test_the_launcher_passes_the_apps_arguments_and_becomes_streamlit() -> None:
    from explain._serve import serve_command

    command = serve_command([], port=8765)
    assert command[1:5] == ["-m", "dashboard.serve", "run", command[4]] and command[4].endswith("app.py")
    done = subprocess.run([sys.executable, "-m", "dashboard.serve", "--version"], capture_output=True, text=True,
                          timeout=120, check=True)  # fmt: skip
    assert "Streamlit, version" in done.stdout


_ORDER = """
import runpy, sys, threading
from dashboard import serve
seen = []
threading.Thread.start = lambda self: seen.append("streamlit.elements.plotly_chart" in sys.modules)
runpy.run_module = lambda *a, **k: None
sys.argv = ["serve", "run", "app.py", "--", "--bundle", "x"]
serve.main()
print(seen)
"""


def test_streamlit_is_imported_whole_before_the_loading_thread_starts() -> None:
    """Plotly, configured while Streamlit is imported, peeks at pandas in sys.modules; a loading
    thread halfway through importing pandas made it see a partial module and kill the server."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_ORDER)],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    assert done.stdout.strip() == "[True]"  # plotly's theme configured before any loading begins
