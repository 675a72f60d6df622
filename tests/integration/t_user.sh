# t_user: a worker with user = nobody runs as nobody, with nobody's groups
# (only when the tests run as root; otherwise skipped with a message).
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then
	echo "skipped: needs root to change user"
	exit 0
fi
cat >"$T/a.ini" <<INI
[supervisor:root]

[worker:root/who]
command = sh -c 'echo "user=\$(id -un) uid=\$(id -u) groups=\$(id -G)"; exec "\$0" 1000' $T/sleep
user = nobody
INI
chmod 755 "$T"
start_arbord "$T/a.ini"
wait_for "$T/out" '^root/who \| user='
assert_eq "root/who | user=nobody uid=$(id -u nobody) groups=$(id -G nobody)" \
    "$(grep '^root/who | user=' "$T/out")" "identity"
stop_arbord
assert_no_procs
