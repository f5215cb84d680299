#!/bin/sh
# Starts the server with redis-server style flags, e.g.
#   ./spawn_redis_server.sh --port 6380 --dir /tmp/data --dbfilename dump.rdb
# Works from any directory and does not change it: like redis-server, the
# default `dir` is the directory the server was started in.
ROOT=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
exec "$ROOT/scripts/deno.sh" run --allow-net --allow-read --allow-write --allow-env --allow-sys "$ROOT/main.ts" "$@"
