"""Headless Chromium (Debian's, installed by ``make test``) driven over the DevTools protocol.

The verification page derives each record's key with PBKDF2 in Web Crypto, which runs off
the page's thread: ``--dump-dom`` (even with ``--virtual-time-budget``) takes the page
before it has answered. So the browser is driven over ``--remote-debugging-pipe`` (file
descriptors 3 and 4, no port to race for): open the page, wait for its load event, then
wait inside the page for the verdict it sets on ``<body data-checked>``, and take the DOM.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import tempfile
import time
from typing import Any

#: Chromium on a closed network: nothing started in the background, a new empty profile.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

#: Waits, inside the page, until it has given its verdict; then the value of an expression
#: (by default the whole document).
ANSWERED = """new Promise((resolve) => {
  const poll = () => document.body && document.body.dataset.checked
    ? resolve(%s) : setTimeout(poll, 20);
  poll();
})"""
DOCUMENT = "document.documentElement.outerHTML"


def _above_four(fd: int) -> int:
    import fcntl

    moved = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return moved


class Browser:
    """One headless Chromium, spoken to over a pipe."""

    def __init__(self, timeout: float = 120.0) -> None:
        self.timeout = timeout
        self.profile = tempfile.TemporaryDirectory(prefix="mi-courseware-chromium-")
        to_browser, self._write = os.pipe()
        self._read, from_browser = os.pipe()
        # the browser's ends above 4, so that moving them onto 3 and 4 never closes one
        to_browser, from_browser = (_above_four(fd) for fd in (to_browser, from_browser))
        # the protocol's fixed descriptors: the browser reads commands on 3, answers on 4
        command = (
            f'exec chromium "$@" 3<&{to_browser} 4>&{from_browser} '
            f"{to_browser}<&- {from_browser}>&-"
        )
        self.process = subprocess.Popen(
            ["bash", "-c", command, "chromium", *FLAGS, "--remote-debugging-pipe",
             f"--user-data-dir={self.profile.name}", "about:blank"],
            pass_fds=(to_browser, from_browser),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        os.close(to_browser)
        os.close(from_browser)
        self._ids = 0
        self._buffer = b""
        self._events: list[dict[str, Any]] = []

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the browser and wait for it to end."""
        try:
            self.send("Browser.close")
        except (OSError, TimeoutError, RuntimeError):
            self.process.kill()
        self.process.wait(timeout=self.timeout)
        os.close(self._write)
        os.close(self._read)
        self.profile.cleanup()

    def _message(self, deadline: float) -> dict[str, Any]:
        with selectors.DefaultSelector() as selector:
            selector.register(self._read, selectors.EVENT_READ)
            while b"\0" not in self._buffer:
                if not selector.select(max(0.0, deadline - time.monotonic())):
                    raise TimeoutError("Chromium did not answer in time")
                chunk = os.read(self._read, 65536)
                if not chunk:
                    raise RuntimeError("Chromium closed its pipe")
                self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        parsed: dict[str, Any] = json.loads(message)
        return parsed

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send a command; its result (events that arrive meanwhile are kept)."""
        self._ids += 1
        message: dict[str, Any] = {"id": self._ids, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            answer = self._message(deadline)
            if answer.get("id") == self._ids:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                result: dict[str, Any] = answer.get("result", {})
                return result
            self._events.append(answer)

    def wait_for(self, event: str, session: str) -> None:
        """Wait for an event of ``session`` (one that already came counts)."""
        deadline = time.monotonic() + self.timeout
        while True:
            for index, seen in enumerate(self._events):
                if seen.get("method") == event and seen.get("sessionId") == session:
                    del self._events[index]
                    return
            self._events.append(self._message(deadline))

    def answered_page(self, url: str, expression: str = DOCUMENT) -> str:
        """The DOM of ``url`` once the page has given its verdict (or the value of another
        ``expression`` in the page then, as text)."""
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        try:
            self.send("Page.enable", session)
            self.send("Page.navigate", session, url=url)
            self.wait_for("Page.loadEventFired", session)
            done = self.send(
                "Runtime.evaluate",
                session,
                expression=ANSWERED % expression,
                awaitPromise=True,
                returnByValue=True,
                timeout=int(self.timeout * 1000),
            )
            return str(done["result"]["value"])
        finally:
            self.send("Target.closeTarget", targetId=target)
