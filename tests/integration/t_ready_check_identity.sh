# t_ready_check_identity: ready = check:COMMAND runs the check as the
# worker runs: same user and group, umask, resource limits, environment
# and directory. The worker and its check each write what they have to a
# file in a world-writable directory; the two must match. (The user part
# only as root, with a user nobody; the rest always.)
. "$(dirname "$0")/lib.sh"

chmod 755 "$T"
mkdir -m 1777 "$T/pub"
mkdir -m 755 "$T/wd"
as_user=
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	as_user="user = nobody"
else
	echo "(not root or no user nobody: the user is not checked)"
fi
# whoami FILE: what this process runs with, in FILE.
script whoami >/dev/null <<EOS
#!/bin/sh
echo "uid=\$(id -u) gid=\$(id -g) umask=\$(umask) nofile=\$(ulimit -Sn):\$(ulimit -Hn)" \
    "nice=\$(nice) X=\$X dir=\$(pwd)" >"\$1.tmp"
env | grep -v '^_=' | sort >>"\$1.tmp"
mv "\$1.tmp" "\$1"
EOS
script worker >/dev/null <<EOS
#!/bin/sh
$T/whoami $T/pub/worker
exec $T/sleep 1000
EOS
cat >"$T/a.ini" <<INI
[supervisor:root]

[worker:root/w]
command = $T/worker
$as_user
umask = 027
nice = 3
limit.nofile = 200:300
env.X = from-the-config
directory = $T/wd
ready = check:sh -c 'test -f $T/pub/worker && $T/whoami $T/pub/check'
check_interval = 50ms
INI
start_arbord "$T/a.ini"
wait_event ProcessReady root/w
worker=$(head -n 1 "$T/pub/worker")
assert_match "umask=0027 nofile=200:300 nice=3 X=from-the-config dir=$T/wd\$" \
    "$worker" "the worker's settings"
[ -z "$as_user" ] || assert_match "^uid=$(id -u nobody) gid=$(id -g nobody) " \
    "$worker" "the worker's identity"
assert_eq "$(cat "$T/pub/worker")" "$(cat "$T/pub/check")" "the check as the worker"
stop_arbord
assert_no_procs
