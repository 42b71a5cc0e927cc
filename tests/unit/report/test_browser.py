"""The HTML report in headless Chromium: renders cleanly, shows the therapies, runs no script.

Chromium (Debian package `chromium`, installed by `make tools`) is driven through the
DevTools protocol over a pipe (`--remote-debugging-pipe`: commands on fd 3, replies on fd 4),
so console messages, exceptions and JavaScript dialogs are observed directly. The test skips
only when no Chromium binary is installed.

Set UPDATE_REPORT_SCREENSHOT=1 to also refresh docs/report.png (the README's screenshot).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import queue
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.report_fixtures import (
    FIXTURES,
    INJECTED_GENE,
    INJECTED_SAMPLE,
    fixture_report,
    xss_findings,
)
from tests.support.workflow import REPO

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--remote-debugging-pipe",
)
WAIT = 60.0  # seconds for any one reply; a hung browser fails the test instead of blocking
DOCS_SCREENSHOT = REPO / "docs" / "report.png"


def chromium_binary() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class DevTools:
    """A minimal DevTools-protocol client over Chromium's debugging pipe."""

    def __init__(self, binary: str, profile: Path) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire_fds() -> None:  # in the child: fd 3 = commands in, fd 4 = replies out
            a = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=wire_fds,
            close_fds=False,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._next_id = 0
        self._replies: dict[int, dict[str, Any]] = {}
        self._inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.events: list[dict[str, Any]] = []
        self._stderr: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        self.session: str | None = None

    def _drain_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self._stderr.append(line.decode(errors="replace"))

    def _read(self) -> None:
        buffer = b""
        with os.fdopen(self._from_browser, "rb", buffering=0) as pipe:
            while chunk := pipe.read(65536):
                buffer += chunk
                while b"\0" in buffer:
                    message, buffer = buffer.split(b"\0", 1)
                    self._inbox.put(json.loads(message))
        self._inbox.put(None)

    def _pump(self, until_id: int | None = None, until_event: tuple[str, ...] = ()) -> Any:
        while True:
            try:
                message = self._inbox.get(timeout=WAIT)
            except queue.Empty:
                raise AssertionError(
                    f"no reply from Chromium within {WAIT:.0f} s; stderr:\n"
                    + "".join(self._stderr[-20:])
                ) from None
            if message is None:
                raise AssertionError("Chromium closed the pipe:\n" + "".join(self._stderr[-20:]))
            if "id" in message:
                if message["id"] == until_id:
                    if "error" in message:
                        raise AssertionError(f"DevTools error: {message['error']}")
                    return message.get("result", {})
                continue
            self.events.append(message)
            if message.get("method") in until_event:
                return message

    def send(self, method: str, session: bool = True, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        return self._pump(until_id=self._next_id)

    def open_page(self) -> None:
        target = self.send("Target.createTarget", session=False, url="about:blank")
        attached = self.send(
            "Target.attachToTarget", session=False, targetId=target["targetId"], flatten=True
        )
        self.session = attached["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable")

    def navigate(self, url: str) -> None:
        """Load a page; a JavaScript dialog (recorded as a problem) is dismissed, not waited on."""
        self.send("Page.navigate", url=url)
        while True:
            event = self._pump(until_event=("Page.loadEventFired", "Page.javascriptDialogOpening"))
            if event["method"] == "Page.loadEventFired":
                return
            self.send("Page.handleJavaScriptDialog", accept=False)

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"evaluation failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def problems(self) -> list[str]:
        """Console errors/warnings, uncaught exceptions, log errors and JavaScript dialogs."""
        out = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                out.append(f"exception: {params['exceptionDetails'].get('text')}")
            elif method == "Runtime.consoleAPICalled" and params.get("type") in (
                "error",
                "warning",
                "assert",
            ):
                out.append(f"console.{params['type']}: {params.get('args')}")
            elif method == "Log.entryAdded" and params["entry"].get("level") in (
                "error",
                "warning",
            ):
                out.append(f"log {params['entry']['level']}: {params['entry'].get('text')}")
            elif method == "Page.javascriptDialogOpening":
                out.append(f"dialog opened: {params.get('message')}")
        return out

    def screenshot(self, path: Path, width: int = 1280, height: int | None = None) -> None:
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=900,
            deviceScaleFactor=1,
            mobile=False,
        )
        full = self.evaluate("document.documentElement.scrollHeight")
        shot = self.send(
            "Page.captureScreenshot",
            format="png",
            captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": width, "height": height or full, "scale": 1},
        )
        path.write_bytes(base64.b64decode(shot["data"]))

    def close(self) -> None:
        with contextlib.suppress(AssertionError):
            self.send("Browser.close", session=False)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_browser)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[DevTools]:
    binary = chromium_binary()
    if binary is None:
        pytest.skip(
            "Chromium is not installed (Debian: apt-get install chromium; `make tools` "
            "installs it): the browser checks of the HTML report were not run"
        )
    devtools = DevTools(binary, tmp_path / "profile")
    try:
        devtools.open_page()
        yield devtools
    finally:
        devtools.close()


SUMMARY_THERAPIES = "[...document.querySelectorAll('#summary td.therapy')].map(e => e.textContent)"


def test_report_renders_cleanly_with_therapies_in_summary(
    browser: DevTools, demo_run: Path, tmp_path: Path
) -> None:
    """The demo tumour patient's report (EGFR L858R + T790M, EML4::ALK, BCR::ABL1...)."""
    report = demo_run / "results/report/DEMO_P2.html"
    browser.navigate(report.as_uri())
    assert browser.problems() == []
    therapies = set(browser.evaluate(SUMMARY_THERAPIES))
    assert "osimertinib" in therapies
    assert {"alectinib", "lorlatinib", "brigatinib"} <= therapies  # ALK inhibitors
    tiers = browser.evaluate(
        "[...document.querySelectorAll('#summary .tier-group[data-tier]')].map(e => e.dataset.tier)"
    )
    assert tiers == ["I-A", "II-C"]
    # erlotinib sits in tier I-A with the T790M resistance beside it
    row = browser.evaluate(
        "[...document.querySelectorAll('#summary tr')]"
        ".find(r => r.querySelector('td.therapy')?.textContent === 'erlotinib')"
        "?.querySelector('td.resistance').textContent"
    )
    assert "EGFR T790M" in row
    figures = browser.evaluate(
        "[...document.images].map(i => [i.naturalWidth > 100, i.src.slice(0, 26)])"
    )
    assert figures == [[True, "data:image/svg+xml;base64,"]] * 2
    assert browser.evaluate("document.scripts.length") == 0
    shot = tmp_path / "report.png"
    browser.screenshot(shot, height=2000)
    assert shot.stat().st_size > 20_000
    assert browser.problems() == []
    if os.environ.get("UPDATE_REPORT_SCREENSHOT"):
        write_docs_screenshot(browser, report)


def write_docs_screenshot(browser: DevTools, report: Path) -> None:
    """docs/report.png: the top of the fixture report, palette PNG well under 300 KB."""
    from PIL import Image

    raw = DOCS_SCREENSHOT.with_suffix(".raw.png")
    DOCS_SCREENSHOT.parent.mkdir(exist_ok=True)
    browser.navigate(report.as_uri())
    browser.screenshot(raw, width=1100, height=1500)
    with Image.open(raw) as image:
        small = image.convert("RGB").resize((880, 1200), Image.LANCZOS)
        small.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(
            DOCS_SCREENSHOT, optimize=True
        )
    raw.unlink()
    assert DOCS_SCREENSHOT.stat().st_size < 300_000


def test_narrow_screen_and_print_layout(browser: DevTools, tmp_path: Path) -> None:
    report = fixture_report(tmp_path)
    browser.send(
        "Emulation.setDeviceMetricsOverride",
        width=375,
        height=800,
        deviceScaleFactor=2,
        mobile=True,
    )
    browser.navigate(report.as_uri())
    # the page itself never scrolls sideways on a phone: wide tables scroll in their wrapper
    assert browser.evaluate("document.documentElement.scrollWidth") <= 376
    browser.send("Emulation.setEmulatedMedia", media="print")
    assert browser.evaluate("getComputedStyle(document.querySelector('nav')).display") == "none"
    for width, height in ((8.27, 11.69), (8.5, 11.0)):  # A4 and US Letter, inches
        pdf = browser.send(
            "Page.printToPDF", paperWidth=width, paperHeight=height, printBackground=True
        )
        data = base64.b64decode(pdf["data"])
        assert data.startswith(b"%PDF") and len(data) > 10_000
    assert browser.problems() == []


def test_injected_markup_is_shown_as_text_and_never_runs(browser: DevTools, tmp_path: Path) -> None:
    report = xss_findings(tmp_path)
    html = report.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html
    browser.navigate(report.as_uri())
    assert browser.problems() == []  # no dialog, no CSP violation, no error
    assert browser.evaluate("document.scripts.length") == 0
    assert browser.evaluate("document.querySelectorAll('img:not([src^=\"data:\"])').length") == 0
    assert browser.evaluate("document.querySelectorAll('[onerror]').length") == 0
    assert browser.evaluate("document.getElementById('sample-name').textContent") == (
        INJECTED_SAMPLE
    )
    genes = browser.evaluate(
        "[...document.querySelectorAll('#findings .gene')].map(e => e.textContent)"
    )
    assert INJECTED_GENE in genes
    assert INJECTED_SAMPLE in browser.evaluate("document.title")
    assert FIXTURES.is_dir()
