"""The library layers never import streamlit."""

from __future__ import annotations

import subprocess
import sys


def test_explain_and_sample_models_do_not_load_streamlit() -> None:
    code = (
        "import sys, explain, explain.attribution, explain.bundle, explain.decision, explain.evaluation, explain.models, sample_models, sample_models.build\n"
        "import pkgutil, importlib\n"
        "for pkg in (explain, sample_models):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        if not m.name.endswith('__main__'):\n"
        "            importlib.import_module(m.name)\n"
        "bad = sorted(m for m in sys.modules if m == 'streamlit' or m.startswith('streamlit.'))\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
