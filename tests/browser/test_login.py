"""Sign-in, roles and the access log, end to end: a real OpenID Connect provider
(``oidc-provider-mock``) started here, the real server with ``[auth]`` in its secrets, and
Chromium. A viewer opens a shared link through the sign-in, is refused the workbench by
navigation and by URL, exports a case file and uploads a batch; an engineer sees the
workbench and not the viewer's upload; every action is in the access log under the right user."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from explain import Bundle
from explain.access import AccessLog
from tests.browser.conftest import ROOT, _free_port, screenshot, wait_for_text, wait_until_healthy

KEY = "browser-test access log key, long enough"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    from oidc_provider_mock import User, run_server_in_thread

    users = [
        User(sub="ana", claims={"email": "ana@bank.example", "email_verified": True, "name": "Ana Viewer"}),
        User(sub="eve", claims={"email": "eve@bank.example", "name": "Eve Engineer", "groups": ["risk-eng"]}),
        User(sub="root", claims={"email": "compliance@bank.example", "email_verified": True, "name": "Compliance"}),
    ]
    with run_server_in_thread(user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def signed_server(
    provider: str, samples_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, AccessLog]]:
    folder = tmp_path_factory.mktemp("login")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    (folder / "access.toml").write_text(
        '[[grant]]\nusers = ["ana@bank.example"]\nrole = "viewer"\nbundles = ["loan"]\n\n'
        '[[grant]]\ngroups = ["risk-eng"]\nrole = "engineer"\nbundles = ["*"]\n\n'
        '[[grant]]\nusers = ["compliance@bank.example"]\nrole = "admin"\n',
        encoding="utf-8",
    )
    log_url = f"sqlite:///{folder / 'access-log.sqlite'}"
    (folder / "secrets.toml").write_text(
        f'[auth]\nredirect_uri = "{url}/oauth2callback"\ncookie_secret = "a cookie secret for the test run"\n'
        f'client_id = "explain-dashboard"\nclient_secret = "not-a-real-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n\n'
        f'[access]\nfile = "{folder / "access.toml"}"\nlog_url = "{log_url}"\nlog_key = "{KEY}"\n',
        encoding="utf-8",
    )
    env = dict(os.environ, EXPLAIN_SAMPLES_DIR=str(samples_dir))
    output = open(folder / "streamlit.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--secrets.files", str(folder / "secrets.toml")],
        cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
    )  # fmt: skip
    wait_until_healthy(url, proc, "the Streamlit server with sign-in")
    yield url, AccessLog(log_url, key=KEY)
    proc.terminate()
    proc.wait(timeout=10)
    output.close()


def sign_in(page: object, app: str, who: str) -> None:
    """Press "Sign in", pick the provider's user ``who``, and wait to be back in the app."""
    page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]
    page.get_by_role("button", name=who, exact=True).click(timeout=30_000)  # type: ignore[attr-defined]
    page.wait_for_url(lambda u: u.startswith(app) and "oauth2callback" not in u, timeout=30_000)  # type: ignore[attr-defined]


def sidebar(page: object) -> str:
    """The sidebar's text once its navigation is drawn."""
    page.locator('[data-testid="stSidebarNav"]').wait_for(timeout=30_000)  # type: ignore[attr-defined]
    page.wait_for_timeout(300)  # type: ignore[attr-defined]
    return str(page.locator('[data-testid="stSidebar"]').inner_text())  # type: ignore[attr-defined]


def sign_out_at_provider(page: object, app: str) -> None:
    """The provider's end-session page asks to confirm; confirm, and wait to be back in the app."""
    page.get_by_role("button", name="End session").click(timeout=30_000)  # type: ignore[attr-defined]
    page.wait_for_url(lambda u: u.startswith(app) and "oauth2callback" not in u, timeout=30_000)  # type: ignore[attr-defined]


def test_viewer_and_engineer_through_sign_in_with_an_access_log(
    signed_server: tuple[str, AccessLog], provider: str, browser: object, loan: Bundle
) -> None:
    url, log = signed_server
    decision_id = str(loan.decisions.index[3])
    viewer = browser.new_context(viewport={"width": 1400, "height": 1100}, accept_downloads=True)  # type: ignore[attr-defined]
    page = viewer.new_page()
    hosts: set[str] = set()  # what the app's pages contacted (the provider's own page loads its own styles)

    def note(request: object) -> None:
        frame_url = request.frame.url  # type: ignore[attr-defined]
        if urlsplit(frame_url).netloc == urlsplit(url).netloc:
            hosts.add(urlsplit(request.url).netloc)  # type: ignore[attr-defined]

    page.on("request", note)

    # a shared link opens the sign-in, then its decision
    page.goto(f"{url}/?bundle=loan&decision={decision_id}")
    body = wait_for_text(page, "The link you opened will open once you have signed in.")
    assert "every page needs you to sign in" in body and decision_id not in body
    screenshot(page, "login-sign-in")
    sign_in(page, url, "ana")
    body = wait_for_text(page, "How each input moved the score")
    assert decision_id in body and "Signed in as ana@bank.example · viewer" in body
    assert "Local mode" not in body
    nav = sidebar(page)
    assert "Decisions" in nav and "Importance" not in nav and "Model workbench" not in nav
    screenshot(page, "login-viewer-decision")

    # the workbench is refused by URL too, with no data in the refusal
    page.goto(f"{url}/importance?bundle=loan")
    body = wait_for_text(page, "Not available to you")
    assert "This page is for engineers; you are signed in as a viewer." in body and "Importance" not in body
    page.goto(f"{url}/access-log")
    wait_for_text(page, "This page is for admins; you are signed in as a viewer.")
    page.goto(f"{url}/?bundle=churn")  # a bundle not granted: the same words as one that does not exist
    body = wait_for_text(page, "There is no model called 'churn' here.")

    # export a case file
    page.goto(f"{url}/decision?bundle=loan&decision={decision_id}")
    wait_for_text(page, "How each input moved the score")
    page.get_by_role("tab", name="Case file").click()
    page.get_by_role("button", name="Prepare the case file").click()
    button = page.get_by_role("button", name="Download the case file (HTML)")
    button.wait_for(state="visible", timeout=30_000)
    with page.expect_download(timeout=60_000) as info:
        button.click()
    assert decision_id in Path(info.value.path()).read_text(encoding="utf-8")

    # upload a batch: this session's only
    batch = loan.current.reset_index().head(40).drop(columns=[loan.spec.outcome_column])  # type: ignore[union-attr]
    batch_file = Path(str(info.value.path())).with_name("new-batch.csv")
    batch.to_csv(batch_file, index=False)
    page.goto(f"{url}/?bundle=loan")
    wait_for_text(page, "Explain a batch of new decisions")
    page.get_by_text("Explain a batch of new decisions").click()
    page.locator('input[type="file"]').set_input_files(str(batch_file))
    wait_for_text(page, "Showing the uploaded file new-batch.csv: 40 decisions")

    # an engineer, in another browser, sees the workbench and not the viewer's upload
    engineer = browser.new_context(viewport={"width": 1400, "height": 1100})  # type: ignore[attr-defined]
    other = engineer.new_page()
    other.goto(f"{url}/importance?bundle=loan")
    wait_for_text(other, "every page needs you to sign in")
    sign_in(other, url, "eve")
    body = wait_for_text(other, "Importance · Consumer loans")  # the page the link named, after the sign-in
    assert "Signed in as eve@bank.example · engineer" in body
    nav = sidebar(other)
    assert "Importance" in nav and "Access log" not in nav
    assert "Not available to you" not in body
    other.goto(f"{url}/?bundle=loan&table=upload&decision={batch['application_id'].iloc[0]}")
    body = wait_for_text(other, "lives only in the browser session that uploaded it")
    assert "new-batch.csv" not in body
    screenshot(other, "login-engineer")

    # signing out ends access, in the tab that signed out and in another one left open
    second = viewer.new_page()
    second.goto(f"{url}/decision?bundle=loan&decision={decision_id}")
    wait_for_text(second, "How each input moved the score")
    page.goto(f"{url}/?bundle=loan")
    wait_for_text(page, "Signed in as ana@bank.example")
    page.get_by_role("button", name="Sign out").click()
    sign_out_at_provider(page, url)
    wait_for_text(page, "every page needs you to sign in")
    second.get_by_role("tab", name="What if…").click()  # the open tab's next run (the browser's cookie is gone)
    body = wait_for_text(second, "every page needs you to sign in")
    assert "How each input moved" not in body and "Signed in as" not in body
    second.get_by_role("button", name="Sign in").click()  # a real sign-in again, not a way back in
    second.wait_for_url(lambda u: u.startswith(provider), timeout=30_000)
    page.goto(f"{url}/decision?bundle=loan&decision={decision_id}")
    body = wait_for_text(page, "every page needs you to sign in")
    assert "How each input moved" not in body

    # an admin sees who did what on the Access log page, and the chain is whole
    admin = browser.new_context(viewport={"width": 1400, "height": 1100})  # type: ignore[attr-defined]
    desk = admin.new_page()
    desk.goto(f"{url}/access-log")
    wait_for_text(desk, "every page needs you to sign in")
    sign_in(desk, url, "root")
    wait_for_text(desk, "Signed in as compliance@bank.example · admin")
    desk.get_by_role("button", name="Check the chain").click()
    body = wait_for_text(desk, "the chain is unbroken and matches its head")
    assert "events" in body and "Access log" in sidebar(desk)
    screenshot(desk, "login-admin-access-log")
    admin.close()

    events = log.events()
    ana = events[events["email"] == "ana@bank.example"]
    assert set(ana["role"]) == {"viewer"} and set(ana["subject"]) == {"ana"}
    assert {"decision_viewed", "recourse_viewed", "export", "upload"} <= set(ana["action"])
    assert set(ana.loc[ana["action"] == "export", "decision_id"]) == {decision_id}
    assert ana.loc[ana["action"] == "decision_viewed", "decision_id"].iloc[0] == decision_id
    assert len(set(ana["session"])) >= 2  # every full page load is a session of its own
    eve = events[events["email"] == "eve@bank.example"]
    assert "upload" not in set(eve["action"])
    assert log.verify().ok
    viewer.close()
    engineer.close()
    assert hosts <= {urlsplit(url).netloc, urlsplit(provider).netloc}, sorted(hosts)  # the one allowed other host
