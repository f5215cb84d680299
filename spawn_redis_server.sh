#!/bin/sh
# Starts the server with redis-server style flags, e.g.
#   ./spawn_redis_server.sh --port 6380 --dir /tmp/data --dbfilename dump.rdb
# Works from any directory and does not change it: like redis-server, the
# default `dir` is the directory the server was started in.
#
# Least privilege (README, "Security properties"): first
# `main.ts --print-permissions` loads the configuration, with permission to
# read and write files but no network, and prints the Deno permissions
# that configuration needs; then the server runs with exactly those, in
# this process (exec), so its pid is the one this script was started as.
set -u
ROOT=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
plan=$("$ROOT/scripts/deno.sh" run --no-prompt --allow-read --allow-write \
  --allow-env=REDIS_TS_ALLOW_WRITE,UPSTART_JOB,NOTIFY_SOCKET \
  "$ROOT/main.ts" --print-permissions "$@") || {
  status=$?
  # A bad configuration: the planner said so as the server would, and what
  # it wrote to stdout (Redis's log line) is in $plan.
  if [ -n "$plan" ]; then printf '%s\n' "$plan"; fi
  exit "$status"
}
# The plan: "run" or "detach", the Deno executable, then one flag a line.
NL='
'
mode=${plan%%"$NL"*}
rest=${plan#*"$NL"}
deno=${rest%%"$NL"*}
flags=${rest#*"$NL"}
# Split the flags at newlines only, with no globbing: paths may hold blanks.
IFS=$NL
set -f
if [ "$mode" = detach ]; then
  # daemonize yes, unsupervised: start the server as the daemon (the
  # variable lib/config/startup.ts gives its detached copy), in a new
  # session, with no terminal; it writes the pid file and logs to logfile.
  setsid=
  if command -v setsid >/dev/null 2>&1; then setsid=setsid; fi
  REDIS_TS_DAEMONIZED=1 $setsid "$deno" run $flags "$ROOT/main.ts" "$@" \
    </dev/null >/dev/null 2>&1 &
  exit 0
fi
exec "$deno" run $flags "$ROOT/main.ts" "$@"
