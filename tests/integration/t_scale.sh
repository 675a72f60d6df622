# t_scale: arborctl scale PATH N resizes a pool at run time: new
# instances start as instances do, the highest-numbered ones stop and
# leave the tree; status tells the running size from the configured one;
# a reload brings the pool back to its configuration.
. "$(dirname "$0")/lib.sh"

cat >"$T/a.ini" <<INI
[supervisor:root]
intensity = 5

[worker:root/web]
command = $T/sleep 1000
instances = 2

[worker:root/single]
command = $T/sleep 1000
INI
start_arbord "$T/a.ini"
wait_event ProcessStarted root
p1=$(pid_of root/web/1)

# Up: 2 -> 4. The command returns once the new instances run.
ctl_expect 0 scale root/web 4
assert_match 'root/web: 4 instances' "$(cat "$T/ctl.out")" "scale up reply"
assert_eq running "$(state_of root/web/4)" "new instance 4"
assert_eq "$p1" "$(pid_of root/web/1)" "instance 1 untouched"
ctl status root/web --json >"$T/st.json"
assert_match '"instances":4,"instances_configured":2' "$(cat "$T/st.json")" \
    "JSON sizes"
ctl status root/web >"$T/st.txt"
assert_match 'scaled to 4 \(configured 2\)' "$(cat "$T/st.txt")" "text note"
assert_match 'ARBOR_INSTANCE=4' "$(tr '\0' '\n' </proc/"$(pid_of root/web/4)"/environ)" \
    "instance env"

# Down: 4 -> 1. Stopped together (highest first, as a pool stops); gone
# from the tree once down.
p3=$(pid_of root/web/3)
ctl_expect 0 scale root/web 1
assert_match 'root/web: 1 instance' "$(cat "$T/ctl.out")" "scale down reply"
alive "$p3" && fail "instance 3 still running after scale down"
ctl_expect 1 status root/web/2
assert_match "no node 'root/web/2'" "$(cat "$T/ctl.err")" "instance 2 gone"
assert_eq "ProcessTerminated root/web/2
ProcessTerminated root/web/3
ProcessTerminated root/web/4" "$(event_seq | grep ProcessTerminated | sort)" \
    "stopped, not as failures"
event_seq | grep -q ProcessFailed && fail "a scaled away instance failed"
assert_eq "$p1" "$(pid_of root/web/1)" "instance 1 still untouched"

# Refusals: not a pool, not a number.
ctl_expect 1 scale root/single 2
assert_match 'not a pool' "$(cat "$T/ctl.err")" "not a pool"
ctl_expect 2 scale root/web 0
ctl_expect 2 scale root/web many

# A reload returns to the configuration: 2 instances.
ctl_expect 0 reload
assert_match 'added root/web/2' "$(cat "$T/ctl.out")" "reload adds back"
wait_event ProcessStarted root/web/2 2
ctl status root/web --json >"$T/st.json"
assert_match '"instances":2,"instances_configured":2' "$(cat "$T/st.json")" \
    "back to the configured size"
ctl status root/web >"$T/st.txt"
grep -q 'scaled to' "$T/st.txt" && fail "still noted as scaled"

# Scaled up, then a reload removes the extra instances.
ctl_expect 0 scale root/web 3
ctl_expect 0 reload
assert_match 'removed root/web/3' "$(cat "$T/ctl.out")" "reload removes"
wait_event ProcessTerminated root/web/3 2
stop_arbord
assert_no_procs
