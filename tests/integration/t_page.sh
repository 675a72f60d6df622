# t_page: the status page (GET /) in a real headless Chromium, driven over
# the DevTools protocol (tests/integration/cdp.py, --remote-debugging-pipe).
# The static HTML holds every node row with its state and pid, escaped,
# and works with JavaScript disabled; loaded with ?token= (http_token_file
# set), the page shows root/w running, and when that worker is killed the
# row shows its new pid and one restart without a reload; the page asks
# nothing of any other origin, logs no console error or exception (its
# Content-Security-Policy lets only its own inline style and script in);
# at 360 px it is no wider than the screen; when arbord goes away the
# page says so. Screenshots at desktop and phone width go to $T (copied
# to $PAGE_SHOTS-desktop.png and -phone.png if PAGE_SHOTS is set).
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { echo "SKIP: curl not installed (apt-get install curl)"; exit 0; }
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 0; }
CHROMIUM=${CHROMIUM:-$(command -v chromium || true)}
[ -n "$CHROMIUM" ] || { echo "SKIP: chromium not installed"; exit 0; }
PORT=$((20000 + RANDOM % 12000))
URL=http://127.0.0.1:$PORT
echo 'tok/en+1' >"$T/token"

# An exec failure whose error names a path with HTML in it.
cat >"$T/arbor.ini" <<CONF
[arbor]
http = 127.0.0.1:$PORT
http_token_file = token
[supervisor:root]
intensity = 20
[worker:root/w]
command = $T/sleep 1000
[supervisor:root/sub]
[worker:root/sub/y]
command = $T/sleep 1000
[worker:root/sub/bad]
command = $T/<b>nope</b>
restart = temporary
CONF
start_arbord "$T/arbor.ini"
wait_event ProcessStarted root
wait_event ProcessStartFailed root/sub/bad
P=$(pid_of root/w)
[ -n "$P" ] || fail "no pid for root/w"

# The token: as a header or ?token= on the page, /status.json and /events;
# /metrics takes the header only. (tok/en+1 percent-encoded: tok%2Fen%2B1.)
code() { curl -s -o "$T/body" -w '%{http_code}' -m 10 "$@"; }
assert_eq 401 "$(code "$URL/")" "/ without a token"
assert_eq 401 "$(code "$URL/?token=wrong")" "/ with a wrong token"
assert_eq 200 "$(code "$URL/?token=tok%2Fen%2B1")" "/ with ?token="
assert_eq 200 "$(code "$URL/status.json?token=tok%2Fen%2B1")" "/status.json with ?token="
assert_eq 401 "$(code "$URL/metrics?token=tok%2Fen%2B1")" "/metrics with ?token="
assert_eq 200 "$(code -H 'Authorization: Bearer tok/en+1' "$URL/")" "/ with the header"
assert_match '^data: \{' "$(curl -s -N -m 3 "$URL/events?token=tok%2Fen%2B1" | grep -m 1 '^data:')" "/events with ?token="

# The static page (what a browser without JavaScript shows): every node
# a row with its state and pid; the error text escaped; one inline style
# and script, both with the CSP header's nonce.
curl -s -D "$T/headers" -o "$T/page.html" -m 10 -H 'Authorization: Bearer tok/en+1' "$URL/"
ctl status --json >"$T/status.json"   # exit 3: root/sub/bad is not running
[ -s "$T/status.json" ] || fail "arborctl status --json printed nothing"
python3 - "$T/page.html" "$T/status.json" "$T/headers" <<'PY' || fail "static page"
import json, re, sys
html = open(sys.argv[1]).read()
doc = json.load(open(sys.argv[2]))
headers = open(sys.argv[3]).read()
def nodes(n):
    yield n
    for c in n["children"]:
        yield from nodes(c)
rows = {m.group(1): m.group(0) for m in
        re.finditer(r'<tr class="x-[a-z]+" data-path="([^"]+)">.*?</tr>', html)}
for n in nodes(doc):
    r = rows.pop(n["path"], None)
    assert r, "no row for " + n["path"]
    assert '<span class="s s-%s">%s</span>' % (n["state"], n["state"]) in r, r
    pid = '>%d</td>' % n["pid"] if n["pid"] else 'class="p none"'
    assert pid in r, (pid, r)
assert not rows, "rows for no node: %s" % list(rows)
assert "&lt;b&gt;nope&lt;/b&gt;" in html and "<b>nope" not in html, "not escaped"
assert '<meta name="viewport"' in html
csp = re.search(r"(?im)^Content-Security-Policy: (.*?)\r?$", headers).group(1)
nonce = re.search(r"script-src 'nonce-([0-9a-f]{32})'", csp).group(1)
assert "default-src 'none'" in csp, csp
assert html.count("<script") == 1 and '<script nonce="%s">' % nonce in html
assert html.count("<style") == 1 and '<style nonce="%s">' % nonce in html
assert not re.search(r'(src|href)="(https?:)?//', html), "an external resource"
PY

# The live page in Chromium.
cat >"$T/browse.py" <<'PY'
import os, shutil, signal, sys
sys.path.insert(0, os.environ["HERE"])
from cdp import Browser, Failure
T, URL, P = os.environ["T"], os.environ["URL"], int(os.environ["P"])
ROW = "document.querySelector('tr[data-path=\"root/w\"]')"
def cell(c):
    return "(%s && %s.querySelector('td.%s'))" % (ROW, ROW, c)
b = Browser(os.environ["CHROMIUM"], T + "/chr", T + "/chromium.log")
try:
    b.attach()
    b.call("Emulation.setDeviceMetricsOverride", {"width": 1280,
           "height": 800, "deviceScaleFactor": 1, "mobile": False})
    b.navigate(URL + "/?token=tok%2Fen%2B1")
    b.wait("%s && %s.textContent === 'running' && %s.textContent === '%d'"
           % (ROW, cell("st"), cell("p"), P), "root/w running with pid %d" % P)
    b.wait("document.getElementById('live').textContent === 'live'",
           "the live indicator")
    # Marks this document: a reload would lose it.
    b.eval("window.arborMark = 1")
    os.kill(P, signal.SIGKILL)
    b.wait("%s && %s.textContent !== '%d' && /^[0-9]+$/.test(%s.textContent)"
           " && %s.getAttribute('data-total') === '1' && %s.textContent === "
           "'running'" % (ROW, cell("p"), P, cell("p"), cell("r"), cell("st")),
           "root/w with a new pid and 1 restart")
    assert b.eval("window.arborMark === 1"), "the page was reloaded"
    # Uptime ticks: the new process's "up 0s" becomes "up 2s".
    b.wait("/^up [2-9]s$/.test(%s.textContent)" % cell("u"), "uptime ticking")
    b.screenshot(T + "/page-desktop.png")
    # A phone: nothing wider than the screen.
    b.call("Emulation.setDeviceMetricsOverride", {"width": 360,
           "height": 740, "deviceScaleFactor": 2, "mobile": True})
    b.wait("window.innerWidth === 360", "the phone width")
    w = b.eval("document.documentElement.scrollWidth")
    assert w <= 360, "%d px wide at 360 px" % w
    b.screenshot(T + "/page-phone.png")
    # Every request went to the page's own origin, and none failed.
    for e in b.events:
        if e["method"] == "Network.requestWillBeSent":
            u = e["params"]["request"]["url"]
            assert u.startswith(URL + "/") or u.startswith("data:"), \
                "a request to another origin: " + u
        if e["method"] == "Network.loadingFailed" and \
                not e["params"].get("canceled"):
            raise Failure("a request failed: %s" % e["params"])
        if e["method"] == "Runtime.exceptionThrown":
            raise Failure("an exception: %s" % e["params"])
        if e["method"] == "Runtime.consoleAPICalled" and \
                e["params"]["type"] in ("error", "assert"):
            raise Failure("a console error: %s" % e["params"])
        if e["method"] == "Log.entryAdded" and \
                e["params"]["entry"]["level"] == "error":
            raise Failure("an error logged: %s" % e["params"]["entry"])
    # Without JavaScript: the server's table, the indicator untouched.
    b.call("Emulation.setDeviceMetricsOverride", {"width": 1280,
           "height": 800, "deviceScaleFactor": 1, "mobile": False})
    b.call("Emulation.setScriptExecutionDisabled", {"value": True})
    b.navigate(URL + "/?token=tok%2Fen%2B1")
    b.wait("document.readyState === 'complete' && window.arborMark === "
           "undefined", "the page loaded again")
    assert b.eval("document.getElementById('live').textContent") == \
        "static: reload to update", "the script ran"
    p = b.eval("%s.textContent" % cell("p"))
    assert p.isdigit(), p
    n = b.eval("document.querySelectorAll('#nodes tr').length")
    assert n == 5, "%d rows without JavaScript" % n
    # With it again: arbord going away shows, and the page keeps trying.
    b.call("Emulation.setScriptExecutionDisabled", {"value": False})
    b.navigate(URL + "/?token=tok%2Fen%2B1")
    b.wait("document.getElementById('live').textContent === 'live'",
           "the live indicator again")
    os.kill(int(os.environ["ARBORD_PID"]), signal.SIGTERM)
    b.wait("document.getElementById('live').textContent === "
           "'disconnected, retrying'", "the disconnected indicator")
finally:
    b.close()
print("browser: ok")
PY
# (The browser stops arbord at the end, to see the page notice.)
HERE=$ROOT/tests/integration T=$T URL=$URL P=$P CHROMIUM=$CHROMIUM \
    ARBORD_PID=$ARBORD_PID python3 "$T/browse.py" >"$T/browse.out" 2>&1 ||
    fail "in Chromium: $(cat "$T/browse.out"; tail -5 "$T/chromium.log" 2>/dev/null)"
if [ -n "${PAGE_SHOTS:-}" ]; then
	cp "$T/page-desktop.png" "$PAGE_SHOTS-desktop.png"
	cp "$T/page-phone.png" "$PAGE_SHOTS-phone.png"
fi
wait_arbord 20
assert_eq 0 "$RC" "arbord's exit status after SIGTERM"
assert_no_procs
echo PASS
