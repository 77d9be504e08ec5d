#!/bin/sh
# Runs echo_server (one connection) and echo_client against it as two
# processes: echo_pair.sh SERVER CLIENT --current|--multi
set -eu
server=$1 client=$2 executor=$3
fifo=$(mktemp -u)
mkfifo "$fifo"
"$server" "$executor" 0 1 >"$fifo" &
pid=$!
read -r port <"$fifo"
rm -f "$fifo"
status=0
"$client" "$executor" "$port" 100 256 5000 || status=$?
wait "$pid" || status=$?
exit "$status"
