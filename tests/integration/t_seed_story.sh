# t_seed_story: capataz's state management story, as processes, asserted
# event by event: broccoli crashes the producer (restarted alone); cucumber
# destroys the shared FIFO, the consumer fails twice, the subtree exceeds
# its intensity and fails to root, root restarts it, setup builds a fresh
# FIFO and the next word is received.
. "$(dirname "$0")/lib.sh"

# example.ini with a shorter window and faster words; same story.
sed -e "s|^\[supervisor:root\]$|&\ndirectory = $ROOT/conf|" \
    -e 's/^period = 5s/period = 1s/' "$ROOT/conf/example.ini" >"$T/story.ini"
export WORD_INTERVAL=0.3

start_arbord "$T/story.ini"
wait_for "$T/out" 'received msg: spinach'
p=root/producer-consumer
expected="ProcessStarted $p/producer
ProcessStarted $p/consumer
ProcessStarted $p
ProcessStarted root
ProcessFailed $p/producer
ProcessStarted $p/producer
ProcessFailed $p/consumer
ProcessStarted $p/consumer
ProcessFailed $p/consumer
ProcessTerminated $p/producer
ProcessFailed $p
ProcessStarted $p/producer
ProcessStarted $p/consumer
ProcessStarted $p"
assert_eq "$expected" "$(event_seq)" "event sequence"

assert_match '"exit":2,"error":"exit status 2: panic: I do not like broccoli"' \
    "$(event_line ProcessFailed $p/producer 1)" "broccoli"
assert_match '"exit":1,"error":"exit status 1: consumer chan is closed"' \
    "$(event_line ProcessFailed $p/consumer 2)" "consumer failure"
assert_match '"error":"restart intensity exceeded.*root/producer-consumer/consumer: exit status 1: consumer chan is closed"' \
    "$(event_line ProcessFailed $p)" "subtree failure"
assert_match '"signal":"SIGTERM"' "$(event_line ProcessTerminated $p/producer)"
# Every word before cucumber, and the words after it, went through.
for w in hello world carrot pepper spinach; do
	grep -q "consumer | received msg: $w\$" "$T/out" || fail "missing $w"
done
grep -q "received msg: cucumber" "$T/out" && fail "cucumber was delivered"
# The fresh subtree has a fresh FIFO.
[ -p "$T/state/root/producer-consumer/chan" ] || fail "no fresh FIFO"

stop_arbord
tail -n 4 "$T/events" >"$T/last"
assert_eq "ProcessTerminated $p/consumer
ProcessTerminated $p/producer
ProcessTerminated $p
ProcessTerminated root" "$(event_seq | tail -n 4)" "stop order"
[ -e "$T/state/root" ] && fail "state directory left behind"
assert_no_procs
