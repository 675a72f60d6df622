# t_prometheus: a real Prometheus server (Debian's prometheus) scrapes
# arbord every second on loopback, with arbord's http_token_file and the
# scrape config's authorization credentials_file; once Prometheus reports
# the target up, a worker is killed, and Prometheus's query API shows its
# arbor_node_restarts_total go from 0 to 1 (and its failures with it).
# conf/prometheus.yml, the example, passes promtool check config.
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { echo "SKIP: curl not installed (apt-get install curl)"; exit 0; }
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 0; }
PROMETHEUS=$(command -v prometheus) || { echo "SKIP: prometheus not installed (apt-get install prometheus)"; exit 0; }
PROMTOOL=$(command -v promtool) || { echo "SKIP: promtool not installed (apt-get install prometheus)"; exit 0; }

"$PROMTOOL" check config "$ROOT/conf/prometheus.yml" >"$T/o" 2>&1 ||
    fail "promtool check config conf/prometheus.yml: $(cat "$T/o")"

PORT=$((20000 + RANDOM % 12000))
PPORT=$((20000 + (PORT - 20000 + 1 + RANDOM % 11000) % 12000))
echo 'prom-s3cret' >"$T/token"
cat >"$T/arbor.ini" <<CONF
[arbor]
http = 127.0.0.1:$PORT
http_token_file = token
[supervisor:root]
[worker:root/w]
command = $T/sleep 1000
CONF
start_arbord "$T/arbor.ini"
wait_event ProcessStarted root

cat >"$T/prometheus.yml" <<CONF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: arbor
    authorization:
      credentials_file: $T/token
    static_configs:
      - targets: ["127.0.0.1:$PORT"]
CONF
"$PROMTOOL" check config "$T/prometheus.yml" >"$T/o" 2>&1 || fail "promtool check config: $(cat "$T/o")"
# Its command line names $T: lib.sh's cleanup kills it if the test fails.
"$PROMETHEUS" --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/tsdb" \
    --web.listen-address="127.0.0.1:$PPORT" --log.level=warn >"$T/prometheus.out" 2>&1 &
PROM_PID=$!
WATCH_PIDS+=("$PROM_PID")

# query EXPR: the value of EXPR's single sample now, "" if none.
query() {
	curl -s -m 5 -G --data-urlencode "query=$1" "http://127.0.0.1:$PPORT/api/v1/query" |
	    python3 -c 'import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if len(r) == 1 else "")' 2>/dev/null
}
# is VALUE EXPR: EXPR's value is VALUE.
is() { [ "$(query "$2")" = "$1" ]; }

# Up, and scraped with the token (without it: 401, and up would be 0).
poll 90 is 1 'up{job="arbor"}' ||
    fail "Prometheus never had arbord up: $(curl -s -m 5 "http://127.0.0.1:$PPORT/api/v1/targets"; cat "$T/prometheus.out")"
poll 30 is 0 'arbor_node_restarts_total{path="root/w"}' ||
    fail "no arbor_node_restarts_total for root/w: [$(query 'arbor_node_restarts_total{path="root/w"}')]"
assert_eq 1 "$(query 'arbor_node_up{path="root/w",node="worker"}')" "arbor_node_up of root/w"

kill -KILL "$(pid_of root/w)"
wait_event ProcessStarted root/w 2
poll 30 is 1 'arbor_node_restarts_total{path="root/w"}' ||
    fail "Prometheus never saw root/w's restart: [$(query 'arbor_node_restarts_total{path="root/w"}')]"
poll 30 is 1 'arbor_node_failures_total{path="root/w"}' ||
    fail "Prometheus never saw root/w's failure"
assert_eq 1 "$(query 'arbor_events_total{event="ProcessFailed"}')" "ProcessFailed events"

kill -TERM "$PROM_PID"
wait "$PROM_PID"
stop_arbord
assert_no_procs
echo PASS
