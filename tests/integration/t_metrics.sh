# t_metrics: GET /metrics with curl, on a tree of workers, a supervisor,
# a pool with health checks, a temporary worker that failed and one an
# admin stopped, after a worker was killed and restarted. Every family of
# arbord.8 METRICS is there, each with one HELP and TYPE and its samples
# together; the values agree with arborctl status --json (state one-hot,
# up, restarts) and with the event log (arbor_events_total per name,
# the restarted worker's start time); failures count the ends reported
# as failures only; the intensity window counts the restart against the
# supervisor's limit and period; the pool's workers become healthy; the
# process_* families describe arbord itself; promtool check metrics
# accepts the whole text.
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { echo "SKIP: curl not installed (apt-get install curl)"; exit 0; }
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 0; }
PROMTOOL=$(command -v promtool) || { echo "SKIP: promtool not installed (apt-get install prometheus)"; exit 0; }
PORT=$((20000 + RANDOM % 12000))
URL=http://127.0.0.1:$PORT

cat >"$T/arbor.ini" <<CONF
[arbor]
http = 127.0.0.1:$PORT
[supervisor:root]
intensity = 10
period = 60s
[worker:root/w]
command = $T/sleep 1000
[supervisor:root/s]
intensity = 4
period = 30s
[worker:root/s/x]
command = $T/sleep 1000
[worker:root/p]
command = $T/sleep 1000
instances = 2
health = check:true
health_interval = 1s
[worker:root/once]
command = sh -c 'exec 2>&1; echo $T >/dev/null; exit 3'
restart = temporary
[worker:root/stopme]
command = $T/sleep 1000
CONF
start_arbord "$T/arbor.ini"
wait_event ProcessStarted root
wait_event ProcessFailed root/once
old=$(pid_of root/w)
kill -KILL "$old"
wait_event ProcessFailed root/w
wait_event ProcessStarted root/w 2
ctl_expect 0 stop root/stopme

# scrape: GET /metrics into $T/m (and fail on anything but 200).
scrape() {
	local code
	code=$(curl -s -o "$T/m" -w '%{http_code} %{content_type}' -m 10 "$URL/metrics")
	assert_eq "200 text/plain; version=0.0.4; charset=utf-8" "$code" "GET /metrics"
}
# val 'NAME{LABELS}': its value in $T/m ("" if absent).
val() { awk -v k="$1" '$1 == k { print $2; exit }' "$T/m"; }
# healthy_both: the pool's two workers are reported healthy.
healthy_both() {
	scrape
	[ "$(val 'arbor_node_healthy{path="root/p/1"}')" = 1 ] &&
	    [ "$(val 'arbor_node_healthy{path="root/p/2"}')" = 1 ]
}
poll 20 healthy_both || fail "the pool's workers were never reported healthy: $(grep healthy "$T/m")"
ctl status --json >"$T/status.json"
[ $? = 3 ] || fail "arborctl status --json: not 3 (a node not running)"

# The format: each family's HELP and TYPE once, before its samples, which
# are together; every family of arbord.8 is announced.
python3 - "$T/m" <<'PY' || fail "the exposition text is malformed: $(cat "$T/m")"
import re, sys
want = """arbor_build_info gauge
arbor_node_up gauge
arbor_node_state gauge
arbor_node_restarts_total counter
arbor_node_failures_total counter
arbor_node_start_time_seconds gauge
arbor_node_cpu_seconds_total counter
arbor_node_memory_bytes gauge
arbor_node_healthy gauge
arbor_supervisor_intensity_restarts gauge
arbor_supervisor_intensity_limit gauge
arbor_supervisor_intensity_period_seconds gauge
arbor_events_total counter
process_cpu_seconds_total counter
process_resident_memory_bytes gauge
process_open_fds gauge
process_max_fds gauge
process_start_time_seconds gauge""".split("\n")
seen, cur, helped, types = [], None, None, []
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if line.startswith("# HELP "):
        helped = line.split(" ")[2]
        continue
    if line.startswith("# TYPE "):
        _, _, name, typ = line.split(" ")
        assert name == helped, "TYPE without its HELP: " + line
        assert name not in seen, "family twice: " + name
        seen.append(name)
        types.append(name + " " + typ)
        cur = name
        continue
    m = re.match(r'^([a-z_]+)(\{[^}]*\})? (-?[0-9.]+)$', line)
    assert m, "not a sample: " + line
    assert m.group(1) == cur, "sample outside its family: " + line
assert types == want, "families: %s" % types
PY
"$PROMTOOL" check metrics <"$T/m" >"$T/promtool.out" 2>&1 ||
    fail "promtool check metrics: $(cat "$T/promtool.out")"

assert_match "^arbor_build_info\\{version=\"$("$ARBORD" --version | awk '{ print $2 }')\"\\} 1$" "$(cat "$T/m")" "build info"

# Every node: state one-hot and equal to status's; up; restarts as status.
python3 - "$T/m" "$T/status.json" <<'PY' || fail "metrics and status --json disagree"
import json, re, sys
samples = {}
for line in open(sys.argv[1]):
    m = re.match(r'^([a-z_]+)\{([^}]*)\} (\S+)$', line)
    if m:
        labels = dict(re.findall(r'([a-z]+)="([^"]*)"', m.group(2)))
        samples.setdefault(m.group(1), []).append((labels, float(m.group(3))))
def walk(n):
    yield n
    for c in n["children"]:
        yield from walk(c)
nodes = list(walk(json.load(open(sys.argv[2]))))
assert len(nodes) == 9, len(nodes)
states = ["stopped", "starting", "running", "stopping", "failed", "completed", "backoff"]
for n in nodes:
    p, kind = n["path"], n["node"]
    st = {l["state"]: v for l, v in samples["arbor_node_state"] if l["path"] == p}
    assert sorted(st) == sorted(states), (p, st)
    assert all(l["node"] == kind for l, v in samples["arbor_node_state"] if l["path"] == p), p
    assert [s for s, v in st.items() if v == 1] == [n["state"]], (p, st, n["state"])
    assert sum(st.values()) == 1, (p, st)
    up = [v for l, v in samples["arbor_node_up"] if l == {"path": p, "node": kind}]
    assert up == [1 if n["state"] == "running" else 0], (p, up)
    r = [v for l, v in samples["arbor_node_restarts_total"] if l == {"path": p, "node": kind}]
    assert r == [n["restarts"]], (p, r, n["restarts"])
    f = [v for l, v in samples["arbor_node_failures_total"] if l == {"path": p, "node": kind}]
    assert len(f) == 1, (p, f)
    # CPU time for each running worker (its cgroup or its process).
    if kind == "worker" and n["state"] == "running":
        c = [v for l, v in samples["arbor_node_cpu_seconds_total"] if l == {"path": p, "node": kind}]
        assert len(c) == 1 and c[0] >= 0, (p, c)
    if n["memory_bytes"] is not None and kind == "worker" and n["state"] == "running":
        mem = [v for l, v in samples["arbor_node_memory_bytes"] if l == {"path": p, "node": kind}]
        assert len(mem) == 1 and mem[0] > 0, (p, mem)
sup = [n["path"] for n in nodes if n["node"] == "supervisor"]
assert sorted(l["path"] for l, v in samples["arbor_supervisor_intensity_limit"]) == sorted(sup)
assert sorted(l["path"] for l, v in samples["arbor_node_healthy"]) == ["root/p/1", "root/p/2"]
PY

# Failures: the kill and the temporary worker's exit 3; not the stop.
assert_eq 1 "$(val 'arbor_node_failures_total{path="root/w",node="worker"}')" "root/w failures"
assert_eq 1 "$(val 'arbor_node_restarts_total{path="root/w",node="worker"}')" "root/w restarts"
assert_eq 1 "$(val 'arbor_node_failures_total{path="root/once",node="worker"}')" "root/once failures"
assert_eq 0 "$(val 'arbor_node_restarts_total{path="root/once",node="worker"}')" "root/once restarts"
assert_eq 1 "$(val 'arbor_node_state{path="root/once",node="worker",state="failed"}')" "root/once failed"
assert_eq 0 "$(val 'arbor_node_failures_total{path="root/stopme",node="worker"}')" "root/stopme failures"
assert_eq 1 "$(val 'arbor_node_state{path="root/stopme",node="worker",state="stopped"}')" "root/stopme stopped"
assert_eq 0 "$(val 'arbor_node_up{path="root/stopme",node="worker"}')" "root/stopme up"
assert_eq 0 "$(val 'arbor_node_failures_total{path="root",node="supervisor"}')" "root failures"

# The window: root/w's restart (root/once is temporary: not restarted).
assert_eq 1 "$(val 'arbor_supervisor_intensity_restarts{path="root"}')" "root's window"
assert_eq 10 "$(val 'arbor_supervisor_intensity_limit{path="root"}')" "root's intensity"
assert_eq 60 "$(val 'arbor_supervisor_intensity_period_seconds{path="root"}')" "root's period"
assert_eq 0 "$(val 'arbor_supervisor_intensity_restarts{path="root/s"}')" "root/s's window"
assert_eq 4 "$(val 'arbor_supervisor_intensity_limit{path="root/s"}')" "root/s's intensity"
assert_eq 30 "$(val 'arbor_supervisor_intensity_period_seconds{path="root/s"}')" "root/s's period"

# root/w's start time is its restart: after its failure, by its second
# ProcessStarted (give or take the 5 ms of two clocks read apart).
started=$(val 'arbor_node_start_time_seconds{path="root/w",node="worker"}')
down=$(event_ms "$(event_line ProcessFailed root/w)")
up=$(event_ms "$(event_line ProcessStarted root/w)")
python3 -c 'import sys; s, a, b = float(sys.argv[1]), int(sys.argv[2]) / 1000, int(sys.argv[3]) / 1000; sys.exit(not a - 0.005 <= s <= b + 0.005)' "$started" "$down" "$up" ||
    fail "root/w start time $started, not between its failure at $down and its start at $up ms"

# Events by name, as many as the log has.
for e in ProcessStarted ProcessStartFailed ProcessFailed ProcessTerminated ProcessCompleted ProcessReady ProcessUnhealthy; do
	assert_eq "$(grep -c "\"event\":\"$e\"" "$T/events")" "$(val "arbor_events_total{event=\"$e\"}")" "arbor_events_total $e"
done

# arbord itself.
# (its descriptors come and go with health checks: near what it has now)
fds=$(ls "/proc/$ARBORD_PID/fd" | wc -l) ofd=$(val process_open_fds)
[ "$ofd" -gt $((fds - 6)) ] && [ "$ofd" -lt $((fds + 6)) ] || fail "process_open_fds $ofd, arbord has $fds"
assert_eq "$(awk '/^Max open files/ { print $4 }' "/proc/$ARBORD_PID/limits")" "$(val process_max_fds)" "process_max_fds"
python3 - "$(val process_start_time_seconds)" "$(val process_resident_memory_bytes)" "$(val process_cpu_seconds_total)" <<'PY' || fail "process_* values: $(grep ^process_ "$T/m")"
import sys, time
start, rss, cpu = map(float, sys.argv[1:])
assert time.time() - 120 < start <= time.time() + 1, start
assert rss > 100000 and cpu >= 0
PY

# A node that goes away leaves; a new start is counted from the tree.
ctl_expect 0 start root/stopme
scrape
assert_eq 1 "$(val 'arbor_node_up{path="root/stopme",node="worker"}')" "root/stopme up again"
assert_eq 0 "$(val 'arbor_node_restarts_total{path="root/stopme",node="worker"}')" "an admin start is no restart"
stop_arbord
assert_no_procs
echo PASS
