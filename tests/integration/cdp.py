"""cdp.py: drives a headless Chromium over the DevTools protocol for the
integration tests (t_page), with nothing but Python's standard library.

Chromium runs with --remote-debugging-pipe: it reads commands on its
descriptor 3 and writes replies and events on 4, each a JSON message ended
by a NUL byte; no WebSocket, no port. One page is opened and attached
(flat sessions); every event it sends is kept in Browser.events.
"""
import json
import os
import select
import time


class Failure(Exception):
    pass


class Browser:
    def __init__(self, binary, profile, log):
        os.makedirs(profile, exist_ok=True)
        # Chromium's ends of the pipes, kept clear of 3 and 4 until dup2.
        to_r, to_w = os.pipe()
        from_r, from_w = os.pipe()
        to_r2 = os.dup2(to_r, 100, inheritable=False)
        from_w2 = os.dup2(from_w, 101, inheritable=False)
        os.close(to_r)
        os.close(from_w)
        args = [binary, "--headless=new", "--no-sandbox", "--disable-gpu",
                "--remote-debugging-pipe", "--user-data-dir=" + profile,
                "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--mute-audio",
                "--hide-scrollbars", "about:blank"]
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, log, os.O_WRONLY | os.O_CREAT |
             os.O_APPEND, 0o644),
            (os.POSIX_SPAWN_DUP2, 1, 2),
            (os.POSIX_SPAWN_DUP2, to_r2, 3),
            (os.POSIX_SPAWN_DUP2, from_w2, 4),
        ]
        self.pid = os.posix_spawn(binary, args, os.environ,
                                  file_actions=actions)
        os.close(to_r2)
        os.close(from_w2)
        self.wfd, self.rfd = to_w, from_r
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def _read(self, deadline):
        """One message, or None at DEADLINE."""
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.rfd], [], [], left)
            if not r:
                continue
            chunk = os.read(self.rfd, 1 << 20)
            if not chunk:
                raise Failure("chromium closed its pipe (see its log)")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=True, timeout=60):
        """Send a command (to the page's session unless SESSION is
        False) and return its result; an error reply is a Failure."""
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        data = json.dumps(msg).encode() + b"\0"
        while data:
            data = data[os.write(self.wfd, data):]
        deadline = time.monotonic() + timeout
        while True:
            m = self._read(deadline)
            if m is None:
                raise Failure("no reply to %s in %ds" % (method, timeout))
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise Failure("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            if "method" in m:
                self.events.append(m)

    def attach(self):
        """Attach to the page Chromium opened; enable the domains."""
        deadline = time.monotonic() + 60
        while True:
            targets = self.call("Target.getTargets", session=False)
            pages = [t for t in targets["targetInfos"] if t["type"] == "page"]
            if pages:
                break
            if time.monotonic() > deadline:
                raise Failure("chromium opened no page")
            time.sleep(0.1)
        r = self.call("Target.attachToTarget",
                      {"targetId": pages[0]["targetId"], "flatten": True},
                      session=False)
        self.session = r["sessionId"]
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.call(domain + ".enable")

    def navigate(self, url, timeout=60):
        """Load URL and wait until it is the page's document (asked
        again if a navigation is lost, as one is now and then while the
        first about:blank still loads)."""
        deadline = time.monotonic() + timeout
        while True:
            r = self.call("Page.navigate", {"url": url})
            if r.get("errorText"):
                raise Failure("navigate %s: %s" % (url, r["errorText"]))
            try:
                self.wait("location.href === %s && document.readyState "
                          "!== 'loading'" % json.dumps(url), "loading " + url,
                          timeout=min(15, max(1, deadline - time.monotonic())))
                return
            except Failure:
                if time.monotonic() >= deadline:
                    raise

    def eval(self, expr):
        r = self.call("Runtime.evaluate",
                      {"expression": expr, "returnByValue": True})
        if "exceptionDetails" in r:
            raise Failure("%s: %s" % (expr, r["exceptionDetails"]))
        return r["result"].get("value")

    def wait(self, expr, what, timeout=60):
        """Poll EXPR until it is true; its last value otherwise fails."""
        deadline = time.monotonic() + timeout
        v = None
        while time.monotonic() < deadline:
            try:
                v = self.eval(expr)
            except Failure as e:   # a page between two documents
                v = str(e)
            if v is True:
                return
            time.sleep(0.1)
        try:
            where = self.eval("location.href + ' ' + document.readyState")
        except Failure as e:
            where = str(e)
        raise Failure("timed out waiting for %s (last: %r; at %s)" %
                      (what, v, where))

    def screenshot(self, path):
        import base64
        r = self.call("Page.captureScreenshot", {"format": "png"})
        with open(path, "wb") as f:
            f.write(base64.b64decode(r["data"]))

    def close(self):
        try:
            self.call("Browser.close", session=False, timeout=10)
        except (Failure, OSError):
            pass
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
            if pid != 0:
                return
            time.sleep(0.1)
        os.kill(self.pid, 9)
        os.waitpid(self.pid, 0)
