#!/usr/bin/env bash
# The README's "Install" section followed verbatim from a fresh clone: its commands are read
# out of README.md and run as written, in a throwaway HOME, so `~/corpora/ungdc`,
# `~/attache/index` and `~/.cargo/bin` are the script's own. Then the completion and manual
# page commands of the same section, and a few checks that it all worked from another folder.
#
#   tests/install.sh            # ~/corpora/ungdc is the last 3 sessions of ../shared/corpora/ungdc
#   UNGDC_SESSIONS=78 tests/install.sh   # all of it (indexing time grows with it)
#
# `cargo install` builds a release binary; CARGO_TARGET_DIR is the checkout's target/ so a
# second run reuses it. Needs git, and cargo with the registry already fetched.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
ungdc="$repo/../shared/corpora/ungdc"
sessions=${UNGDC_SESSIONS:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The toolchain and the registry stay the user's; everything the README puts under ~ is new.
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export HOME="$work/home"
export CARGO_INSTALL_ROOT="$HOME/.cargo"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
export PATH="$HOME/.cargo/bin:$PATH"
unset ATTACHE_INDEX ATTACHE_PAGER XDG_CONFIG_HOME
mkdir -p "$HOME/corpora/ungdc"
for f in $(ls "$ungdc"/session-*.jsonl | tail -n "$sessions"); do
  cp "$f" "$HOME/corpora/ungdc/"
done

git clone --quiet "$repo" "$work/attache"
cd "$work/attache"

# The fenced blocks of the "## Install" section, up to its first subsection.
section=$(sed -n '/^## Install$/,/^### /p' README.md)
commands=$(printf '%s\n' "$section" | awk '/^```sh$/{on=1; next} /^```$/{on=0} on')
[ -n "$commands" ] || { echo "install.sh: no commands in the README's Install section" >&2; exit 1; }
printf '%s\n' "$commands" | sed 's/^/+ /'
bash -euo pipefail -c "$commands" >"$work/out" 2>"$work/err" || {
  echo "install.sh: a README command failed" >&2; cat "$work/err" >&2; exit 1; }

# It worked, from anywhere: the binary is installed, the index is where ATTACHE_INDEX said,
# the search found the phrase, and the completions and the manual page are in place.
command -v attache | grep -q "^$HOME/.cargo/bin/attache$"
grep -q 'disarmament' "$work/out"
test -f "$HOME/attache/index/CURRENT"
mkdir -p "$work/elsewhere" && cd "$work/elsewhere"
ATTACHE_INDEX=~/attache/index attache search --count '"nuclear disarmament"' | grep -Eq '^[1-9][0-9]* passages? in'
grep -q 'complete' "$HOME/.local/share/bash-completion/completions/attache"
grep -q '#compdef attache' "$HOME/.zfunc/_attache"
grep -q '^\.TH attache' "$HOME/.local/share/man/man1/attache.1"
echo "install.sh: the README's install section works from a fresh clone"
