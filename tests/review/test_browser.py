"""The review desk in a real browser: JupyterLab on 127.0.0.1, driven through Debian's
Chromium and ChromeDriver with selenium. The analyst enters an ORCID, filters, chooses
candidates by key and by click, types each one's relation, accepts, answers none, undoes,
skips, searches and links; keys pressed in another tab decide nothing; explore.ipynb's
figures render and it saves without outputs. Skipped, with a message, where Chromium,
ChromeDriver or JupyterLab are missing (``make test`` installs them where apt-get can)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..browsing import CHROMIUM, DRIVER, _wait
from ..conftest import ROOT, read_table

ORCID = "0000-0002-1825-0097"
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER and shutil.which("jupyter", path=str(Path(sys.executable).parent))),
    reason="chromium/chromium-driver or JupyterLab missing: `make test` installs them with "
    "apt-get where it can",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory, built, proposals, isolated_environment):
    """JupyterLab serving a copy of the notebooks, on 127.0.0.1 only; stopped afterwards."""
    work = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", work / "notebooks")
    out = work / "out"
    shutil.copytree(built.files[0].parent, out)
    shutil.copy(proposals, out / "proposals.sssom.tsv")
    mappings = work / "mappings"
    # no news or update toasts over the page (they take clicks, and show in the screenshots)
    settings = work / "config" / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false}', encoding="utf-8"
    )
    port, token = _free_port(), "kcgraph-test-token"
    env = {
        **os.environ,
        "KCGRAPH_OUT_DIR": str(out),
        "KCGRAPH_MAPPINGS": str(mappings),
        "KCGRAPH_CACHE": str(isolated_environment),
        "JUPYTER_CONFIG_DIR": str(work / "config"),
        "JUPYTER_RUNTIME_DIR": str(work / "runtime"),
    }
    env.pop("KCGRAPH_REVIEWER", None)  # the analyst must say who reviews
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={work / 'notebooks'}",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.news_url=",
            "--ServerApp.open_browser=False",
            "--ServerApp.allow_root=True",
            "--LabApp.extension_manager=readonly",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(lambda: socket.create_connection(("127.0.0.1", port), 1), 60, "JupyterLab")
        yield f"http://127.0.0.1:{port}", token, mappings, out
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()


def _open_and_run(browser, lab, name: str) -> None:
    url, token, _, _ = lab
    stem = name.split(".")[0]
    browser.get(f"{url}/lab/workspaces/{stem}/tree/{name}?reset&token={token}")
    _wait(
        lambda: browser.execute_script(
            "return window.jupyterapp && window.jupyterapp.shell.currentWidget"
            f" && window.jupyterapp.shell.currentWidget.context.path === '{name}'"
            " && window.jupyterapp.shell.currentWidget.sessionContext"
            " && window.jupyterapp.shell.currentWidget.sessionContext.session"
            " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"
            " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status"
            " === 'idle'"
        ),
        180,
        f"{name} and its kernel",
    )
    browser.execute_script("window.jupyterapp.commands.execute('notebook:run-all-cells')")


def _decisions(mappings: Path) -> dict[str, list[dict]]:
    found = {}
    for name in ("positive", "negative", "unsure"):
        path = mappings / f"{name}.sssom.tsv"
        found[name] = read_table(path)[1] if path.is_file() else []
    return found


def test_explore_figures_render_in_the_browser(browser, lab):
    from selenium.webdriver.common.by import By

    _open_and_run(browser, lab, "explore.ipynb")
    images = _wait(
        lambda: (
            (found := browser.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output img"))
            and len(found) >= 3
            and found
        ),
        240,
        "its three figures",
    )
    assert all(int(img.get_attribute("naturalWidth")) > 100 for img in images)
    # saved after a run, the notebook is the file committed: no outputs, no git change
    saved = lab[2].parent / "notebooks" / "explore.ipynb"
    before = saved.stat().st_mtime_ns
    browser.execute_script("window.jupyterapp.commands.execute('docmanager:save')")
    _wait(lambda: saved.stat().st_mtime_ns != before, 60, "the notebook saved")
    time.sleep(1)  # the file is replaced whole; let the rename land
    committed = (ROOT / "notebooks" / "explore.ipynb").read_bytes()
    if saved.read_bytes() != committed:  # pragma: no cover - the diff says what changed
        import difflib

        diff = difflib.unified_diff(
            committed.decode().splitlines(), saved.read_text().splitlines(), lineterm=""
        )
        raise AssertionError("\n".join(list(diff)[:40]))


def test_review_by_statement_with_keys_filters_search_and_undo(browser, lab):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    _, _, mappings, _ = lab
    before = {k: len(v) for k, v in _decisions(mappings).items()}
    _open_and_run(browser, lab, "review-by-statement.ipynb")
    desk = _wait(lambda: browser.find_element(By.CSS_SELECTOR, ".kcs-desk"), 180, "the desk")
    desk.find_element(By.CSS_SELECTOR, "input[placeholder^='your ORCID']").send_keys(ORCID)
    _wait(lambda: f"signed orcid:{ORCID}" in desk.text, 30, "the ORCID accepted")

    def choose(css: str, index: int) -> str:  # a dropdown filter, as a user picks it
        select = Select(desk.find_element(By.CSS_SELECTOR, f"{css} select"))
        text = select.options[index].text
        select.select_by_index(index)
        return text

    scheme = choose(".kcs-towards", 1)
    _wait(lambda: f"towards {scheme}" in desk.text, 30, "the scheme filter")
    choose(".kcs-kind", 1)
    choose(".kcs-kind", 0)
    choose(".kcs-towards", 0)
    time.sleep(2)  # let the filters' renders land
    statement = _wait(
        lambda: desk.find_element(By.CSS_SELECTOR, ".kcs-statement").text, 30, "the statement"
    )
    keys = desk.find_element(By.CSS_SELECTOR, ".kcs-keys input")
    choose(".kcs-predicate", 0)  # accept as skos:exactMatch
    keys.send_keys("1")  # choose the first candidate, then accept it: one screen
    _wait(lambda: desk.find_elements(By.CSS_SELECTOR, ".kcs-chosen"), 30, "the choice shown")

    def typed(shown: str) -> bool:  # the chosen candidate's relation, as drawn now
        cells = desk.find_elements(By.CSS_SELECTOR, ".kcs-chosen .kcs-relation")
        return bool(cells) and all(shown in c.text for c in cells)

    for key, shown in (("w", "narrowMatch"), ("b", "broadMatch"), ("c", "closeMatch")):
        keys.send_keys(key)  # each typed predicate's key types the chosen candidate
        _wait(lambda s=shown: typed(s), 30, f"the chosen one typed {shown}")
    desk.find_element(By.CSS_SELECTOR, "button.kcs-as-exact").click()  # the mouse
    _wait(lambda: typed("exactMatch"), 30, "the chosen one typed exactMatch")
    _one_screen_on_one_screen(browser, desk)
    shots = Path(os.environ.get("KCGRAPH_SCREENSHOTS") or lab[2].parent)  # the README's picture
    desk.screenshot(str(shots / "desk.png"))
    keys.send_keys("a")
    _wait(lambda: len(_decisions(mappings)["positive"]) == before["positive"] + 1, 60, "accepted")
    _wait(
        lambda: desk.find_element(By.CSS_SELECTOR, ".kcs-statement").text != statement,
        60,
        "the next screen",
    )
    _wait(lambda: "1 screens answered" in desk.text, 60, "the desk ready again")
    keys.send_keys("n")  # none of these: its candidates rejected
    _wait(lambda: len(_decisions(mappings)["negative"]) > before["negative"], 60, "none recorded")
    _wait(lambda: "2 screens answered" in desk.text, 60, "the desk ready again")
    after_none = len(_decisions(mappings)["negative"])
    keys.send_keys("z")  # undo the "none"
    _wait(lambda: len(_decisions(mappings)["negative"]) < after_none, 60, "the undo")
    _wait(lambda: "1 screens answered" in desk.text, 60, "the desk ready again")
    desk.find_element(By.CSS_SELECTOR, "button.kcs-skip").click()  # the mouse
    desk.find_element(By.CSS_SELECTOR, "button.kcs-pick-1").click()
    desk.find_element(By.CSS_SELECTOR, "button.kcs-pick-1").click()  # chosen, then not
    query = desk.find_element(By.CSS_SELECTOR, ".kcs-query input")
    query.send_keys("klant")
    desk.find_element(By.CSS_SELECTOR, ".kcs-meaning input").click()
    desk.find_element(By.CSS_SELECTOR, ".kcs-meaning input").click()
    desk.find_element(By.CSS_SELECTOR, "button.kcs-search").click()
    results = _wait(
        lambda: desk.find_elements(By.CSS_SELECTOR, ".kcs-results option"), 60, "search results"
    )
    results[0].click()
    positive = len(_decisions(mappings)["positive"])
    desk.find_element(By.CSS_SELECTOR, "button.kcs-link").click()
    _wait(lambda: len(_decisions(mappings)["positive"]) == positive + 1, 60, "the link")
    rows = _decisions(mappings)["positive"]
    assert any(r.get("comment") == "found by search" for r in rows)
    assert {r["reviewer_id"] for r in rows} == {f"orcid:{ORCID}"}
    assert rows[0]["predicate_id"] == "skos:exactMatch" or any(
        r["predicate_id"] == "skos:exactMatch" for r in rows
    )
    _wait(lambda: "screens answered this session" in desk.text, 30, "the status line")
    choose(".kcs-target", 1)  # to ESCO (no ESCO queue here), and back
    _wait(lambda: "no screen left" in desk.text or "towards esco" in desk.text, 60, "ESCO")
    choose(".kcs-target", 0)
    _wait(lambda: desk.find_elements(By.CSS_SELECTOR, ".kcs-candidate"), 60, "profiles again")
    _keys_act_in_the_desk_only(browser, desk, mappings)


def _one_screen_on_one_screen(browser, desk) -> None:
    """At 1366 x 768, with the statement at the top of the view, every candidate is in view
    (JupyterLab's own bars included)."""
    from selenium.webdriver.common.by import By

    size = browser.get_window_size()
    browser.set_window_size(1366, 768)
    try:
        statement = desk.find_element(By.CSS_SELECTOR, ".kcs-statement")
        browser.execute_script("arguments[0].scrollIntoView({block: 'start'})", statement)
        time.sleep(0.5)
        rows = desk.find_elements(By.CSS_SELECTOR, ".kcs-candidate")
        bottom = browser.execute_script(
            "return arguments[0].getBoundingClientRect().bottom", rows[-1]
        )
        height = browser.execute_script("return window.innerHeight")
        assert rows and bottom <= height, f"the last candidate ends at {bottom} px of {height}"
    finally:
        browser.set_window_size(size["width"], size["height"])


def _keys_act_in_the_desk_only(browser, desk, mappings: Path) -> None:
    """Keys pressed on the page act in the desk after a click in it, and never from another
    notebook's tab (nor reach the desk hidden behind it)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    def chosen() -> bool:
        return bool(desk.find_elements(By.CSS_SELECTOR, ".kcs-chosen"))

    desk.find_element(By.CSS_SELECTOR, ".kcs-candidate").click()  # a click chooses it
    _wait(chosen, 30, "a candidate chosen by a click")
    desk.find_element(By.CSS_SELECTOR, ".kcs-candidate").click()
    _wait(lambda: not chosen(), 30, "the candidate unchosen by a second click")
    desk.find_element(By.CSS_SELECTOR, ".kcs-status").click()
    ActionChains(browser).send_keys("1").perform()
    _wait(chosen, 30, "a key pressed after a click in the desk")
    ActionChains(browser).send_keys("1").perform()
    _wait(lambda: not chosen(), 30, "the candidate unchosen by its key")
    before = _decisions(mappings)
    browser.execute_script(
        "window.jupyterapp.commands.execute('docmanager:open', {path: 'explore.ipynb'})"
    )
    _wait(
        lambda: browser.execute_script(
            "const w = window.jupyterapp.shell.currentWidget;"
            " return w && w.context && w.context.path === 'explore.ipynb'"
        ),
        60,
        "another notebook's tab",
    )
    cell = _wait(
        lambda: browser.execute_script(
            "return window.jupyterapp.shell.currentWidget.node.querySelector('.jp-Cell')"
        ),
        60,
        "a cell of the other notebook",
    )
    cell.click()
    ActionChains(browser).send_keys("1", "n", "1", "a").perform()
    time.sleep(3)  # what a leaked key would do, the desk would have done by now
    assert _decisions(mappings) == before
