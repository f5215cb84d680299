#!/bin/sh
# Runs Deno: the one on PATH if there is one, else the pinned release from the
# npm registry (needs only Node's npx).
DENO_VERSION=2.9.6
if command -v deno >/dev/null 2>&1; then
  exec deno "$@"
fi
exec npx --yes "deno@${DENO_VERSION}" "$@"
