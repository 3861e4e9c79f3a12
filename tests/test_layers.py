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


HEAVY = ("sklearn", "shap", "lightgbm", "plotly", "scipy", "streamlit", "pyarrow", "skops", "numba")


def test_import_explain_loads_nothing_heavy() -> None:
    code = (
        "import sys, explain\n"
        f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})\n"
        "mine = sorted(m for m in sys.modules if m.startswith('explain'))\n"
        "print(heavy, mine); sys.exit(1 if heavy or len(mine) > 4 else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_public_name_imports_from_explain_and_its_package() -> None:
    import importlib

    import explain

    assert len(explain.__all__) > 100
    for name in explain.__all__:
        assert getattr(explain, name) is not None, name
    for package in ("bundle", "models", "attribution", "decision", "evaluation", "store", "access", "figures"):
        module = importlib.import_module(f"explain.{package}")
        for name in module.__all__:
            value = getattr(module, name)
            if package != "figures":
                assert getattr(explain, name) is value, f"{name} is not re-exported by explain"


def test_dashboard_imports_only_explain_and_explain_figures() -> None:
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "dashboard"
    bad = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "explain":
                if node.module not in ("explain", "explain.figures"):
                    bad.append(f"{path.name}: from {node.module}")
            elif isinstance(node, ast.Import):
                bad += [f"{path.name}: import {a.name}" for a in node.names if a.name.startswith("explain.")]
    assert not bad, bad
