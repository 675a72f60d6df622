# t_pool_logs: arborctl logs POOL prints its instances' lines merged in
# the order they came, each prefixed with its instance's path as on
# arbord's output ("root/p/2 | line"); -n counts merged lines; -f follows
# every instance, also one a reload adds.
. "$(dirname "$0")/lib.sh"

# Instance i prints "step s" for s = i-1, i+2: each only once the line
# before it (another instance's) is out, so the order is known. Then,
# once $T/go exists, "more i".
inst=$(script inst <<SH
#!/bin/sh
i=\$ARBOR_INSTANCE
for s in 0 1 2 3 4 5; do
	[ \$((s % 3 + 1)) = "\$i" ] || continue
	if [ \$s -gt 0 ]; then
		p=\$((s - 1))
		until grep -q "^root/p/\$((p % 3 + 1)) | step \$p\\\$" $T/out; do
			$T/sleep 0.02
		done
	fi
	echo "step \$s"
done
until [ -e $T/go ]; do $T/sleep 0.02; done
echo "more \$i"
exec $T/sleep 1000
SH
)
cat >"$T/a.ini" <<INI
[supervisor:root]

[worker:root/p]
command = $inst
instances = 3

[worker:root/solo]
command = sh -c 'echo solo line; exec $T/sleep 1000'
INI
start_arbord "$T/a.ini"
wait_for "$T/out" '^root/p/3 \| step 5$'
ctl_expect 0 logs -n all root/p
assert_eq "root/p/1 | step 0
root/p/2 | step 1
root/p/3 | step 2
root/p/1 | step 3
root/p/2 | step 4
root/p/3 | step 5" "$(cat "$T/ctl.out")" "merged in time order"
ctl_expect 0 logs -n 2 root/p
assert_eq "root/p/2 | step 4
root/p/3 | step 5" "$(cat "$T/ctl.out")" "the last 2 merged lines"
ctl_expect 0 logs -t -n 1 root/p
assert_match '^[0-9-]+T[0-9:.]+Z out root/p/3 \| step 5$' "$(cat "$T/ctl.out")" "-t"
# An instance alone, and a worker, are not prefixed.
ctl_expect 0 logs -n all root/p/2
assert_eq "step 1
step 4" "$(cat "$T/ctl.out")" "one instance"
wait_for "$T/out" '^root/solo \| solo line$'
ctl_expect 0 logs root/solo
assert_eq "solo line" "$(cat "$T/ctl.out")" "a worker"

# Follow: the backlog's last line says the follower is in place.
ctl logs -f -n 1 root/p >"$T/follow" 2>&1 &
wait_for "$T/follow" '^root/p/3 \| step 5$'
sed -i 's/^instances = 3$/instances = 4/' "$T/a.ini"
ctl_expect 0 reload
wait_event ProcessStarted root/p/4
touch "$T/go"
wait_for "$T/follow" '^root/p/[1-4] \| more [1-4]$' 4
for i in 1 2 3 4; do
	grep -qx "root/p/$i | more $i" "$T/follow" || fail "follow lacks instance $i: $(cat "$T/follow")"
done
stop_arbord
assert_no_procs
