"""``explain serve``: the dashboard on the bundles named, from any working directory.

Streamlit reads ``.streamlit/config.toml`` only from the directory it starts in, so the
project's hardened server settings are passed explicitly on the command line (XSRF
protection, error details hidden, an upload cap, the data grid's own export off). A test
checks they agree with the project's ``.streamlit/config.toml``.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

from explain.bundle._write import SPEC_FILE
from explain.errors import BundleError

#: The hardened settings, the same as .streamlit/config.toml (checked by a test).
SERVER_SETTINGS: dict[str, str] = {
    "server.address": "127.0.0.1",
    "server.enableXsrfProtection": "true",
    "server.enableCORS": "true",
    "server.maxUploadSize": "50",
    "server.runOnSave": "false",
    "server.fileWatcherType": "none",
    "server.headless": "true",
    "client.disableDataExport": "true",
    "client.showErrorDetails": "none",
    "client.toolbarMode": "minimal",
    "browser.gatherUsageStats": "false",
    "runner.magicEnabled": "false",
    "runner.postScriptGC": "false",
    "theme.base": "light",
    "theme.primaryColor": "#0072B2",
}


def dashboard_app() -> Path:
    """Where the installed dashboard's entry script is (without importing the dashboard)."""
    spec = importlib.util.find_spec("dashboard")
    if spec is None or spec.origin is None:
        raise BundleError("the dashboard package is not installed; run pip install -e . in the project.")
    return Path(spec.origin).parent / "app.py"


def serve_command(
    bundles: list[Path], *, port: int = 8501, address: str = "127.0.0.1", secrets: Path | None = None
) -> list[str]:
    """The ``streamlit run`` command line that serves ``bundles`` with the hardened settings
    (and the secrets file ``secrets``, with ``[auth]`` and ``[access]``, instead of
    ``.streamlit/secrets.toml`` in the working directory)."""
    for path in bundles:
        if not (Path(path) / SPEC_FILE).is_file():
            raise BundleError(f"{path} is not a bundle directory (no {SPEC_FILE}); explain init makes one.")
    # dashboard.serve is Streamlit's own command line, loading the bundles while the server starts
    command = [sys.executable, "-m", "dashboard.serve", "run", str(dashboard_app())]
    settings = {**SERVER_SETTINGS, "server.port": str(port), "server.address": address}
    if secrets is not None:
        if not Path(secrets).is_file():
            raise BundleError(f"the secrets file {secrets} does not exist.")
        settings["secrets.files"] = str(Path(secrets).resolve())
    for key, value in settings.items():
        command += [f"--{key}", value]
    command.append("--")
    for path in bundles:
        command += ["--bundle", str(Path(path).resolve())]
    return command


def serve_environment(*, samples: bool, store: Path | None = None) -> dict[str, str]:
    """The environment for the server: the samples left out with ``samples=False``, results
    stored in ``store`` when given (else beside each bundle, see :mod:`explain.store`)."""
    from explain.store import STORE_ENV

    env = dict(os.environ)
    if not samples:
        env["EXPLAIN_NO_SAMPLES"] = "1"
    if store is not None:
        env[STORE_ENV] = str(Path(store).resolve())
    return env
