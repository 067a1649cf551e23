#!/usr/bin/env bash
# Installs what the tests need besides Node and pnpm, when it is missing: Debian's Chromium (the
# runner's and the web app's browser tests drive /usr/bin/chromium through playwright-core; no
# browser is ever downloaded) and redis-server (the distributed executor's tests start one).
# Run by `pnpm test` before anything else, and so by the README's test command and .ci/run.
# Needs root or sudo, and apt-get, only when something is missing; does nothing otherwise.
set -euo pipefail

chromium="${EMKIT_CHROMIUM:-/usr/bin/chromium}"
redis="${EMKIT_REDIS_SERVER:-redis-server}"

missing=()
[ -x "$chromium" ] || missing+=(chromium)
command -v "$redis" >/dev/null 2>&1 || missing+=(redis-server)
[ "${#missing[@]}" -eq 0 ] && exit 0

say() { echo "setup-test-env: $*" >&2; }
if ! command -v apt-get >/dev/null 2>&1; then
  say "missing: ${missing[*]}, and this is not a Debian-based system (no apt-get)."
  say "install them yourself (Chromium at $chromium, or set EMKIT_CHROMIUM to its path), then run the tests again"
  exit 1
fi
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    say "missing: ${missing[*]}; installing them needs root: run  apt-get install ${missing[*]}  as root, then the tests again"
    exit 1
  fi
fi
say "installing ${missing[*]} with apt-get (the browser and Redis tests need them)"
"${as_root[@]}" apt-get update -q
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
