#!/usr/bin/env bash
# Installs the tools of pgtls's end-to-end layer (test/e2e): a real VS Code (code-server, from npm) and
# playwright-core (drives Debian's headless Chromium), into one folder, from the npm registry only.
#
# Usage: bash scripts/install-e2e-tools.sh [DIR]        (default DIR: <repo>/.e2e/tools, gitignored)
#        FORCE=1 reinstalls even when DIR already holds the pinned versions.
#
# Needs these Debian packages first (.ci/run installs them; this script does not call apt):
#   build-essential python3 pkg-config libkrb5-dev   native modules of VS Code (node-pty, spdlog, kerberos)
#   ripgrep                                           replaces the rg binary @vscode/ripgrep would fetch from GitHub
#   chromium fonts-dejavu-core                        the browser side of the workbench (headless), and its fonts
#   neovim                                            the second LSP client (test/e2e/neovim.test.ts), 0.7.2 on Debian 12
#
# Pinned: code-server 4.100.3 (= VS Code 1.100.3; the last code-server that runs on Node 20), playwright-core 1.65.1.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEST=${1:-$REPO/.e2e/tools}
CODE_SERVER_VERSION=${CODE_SERVER_VERSION:-4.100.3}
PLAYWRIGHT_VERSION=${PLAYWRIGHT_VERSION:-1.65.1}
# code-server 4.100.3 depends on @vscode/ripgrep 1.15.11, whose postinstall looks for this asset in its cache first.
RIPGREP_PKG=${RIPGREP_PKG:-1.15.11}
RIPGREP_ASSET=${RIPGREP_ASSET:-ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz}

mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)
STAMP="$DEST/.installed"
WANT="code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_VERSION node@$(node -p 'process.versions.node.split(".")[0]')"

log() { echo "[install-e2e-tools] $*"; }

installed_ok() {
  [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ] || return 1
  [ -f "$DEST/node_modules/code-server/out/node/entry.js" ] || return 1
  [ -f "$DEST/node_modules/playwright-core/package.json" ] || return 1
  local vsc="$DEST/node_modules/code-server/lib/vscode/node_modules"
  { [ -f "$vsc/node-pty/build/Release/pty.node" ] || [ -f "$vsc/node-pty/prebuilds/linux-x64/pty.node" ]; } || return 1
  return 0
}

if [ -z "${FORCE:-}" ] && installed_ok; then
  log "already installed in $DEST ($WANT); FORCE=1 to reinstall"
  exit 0
fi

missing=()
for tool in node npm rg cc make python3; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  log "missing: ${missing[*]} (apt-get install build-essential python3 pkg-config libkrb5-dev ripgrep chromium fonts-dejavu-core neovim)"
  exit 1
fi

SECONDS=0
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# npm's children (postinstalls) use os.tmpdir(): point it at our scratch dir, where the ripgrep cache lives.
export TMPDIR="$WORK"
mkdir -p "$WORK/rg-bin" "$WORK/vscode-ripgrep-cache-$RIPGREP_PKG"
cp "$(command -v rg)" "$WORK/rg-bin/rg"
tar -czf "$WORK/vscode-ripgrep-cache-$RIPGREP_PKG/$RIPGREP_ASSET" -C "$WORK/rg-bin" rg

rm -f "$STAMP"
cd "$DEST"
[ -f package.json ] || printf '{ "name": "pgtls-e2e-tools", "private": true }\n' > package.json
log "npm install code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_VERSION into $DEST (several minutes)"
# node-pty's postinstall runs `npx node-gyp`, which must not stop to ask: npm_config_yes=true.
npm_config_yes=true npm install --no-save --unsafe-perm --no-audit --no-fund --loglevel=error \
  "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION"

# Sanity checks: the server starts, its native modules were built, ripgrep is in place.
CHECK="$WORK/version-check"
version=$(XDG_CONFIG_HOME="$CHECK" XDG_DATA_HOME="$CHECK" node node_modules/code-server/out/node/entry.js --version \
  --user-data-dir "$CHECK/ud" --extensions-dir "$CHECK/ext" 2>/dev/null | tail -1)
log "code-server --version: $version"
vsc=node_modules/code-server/lib/vscode/node_modules
[ -x $vsc/@vscode/ripgrep/bin/rg ] || [ -x $vsc/@vscode/ripgrep-universal/bin/linux-x64/rg ] || { log "ripgrep missing in code-server"; exit 1; }
echo "$WANT" > "$STAMP"
installed_ok || { log "native modules of code-server were not built"; exit 1; }
if [ -x /usr/bin/chromium ]; then log "$(/usr/bin/chromium --version 2>/dev/null)"; else log "WARNING: /usr/bin/chromium missing (apt-get install chromium)"; fi
log "done in ${SECONDS}s: $DEST"
