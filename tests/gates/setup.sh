#!/usr/bin/env bash
# Install what the quality gates need (`make gates-setup`, run by `make test`):
#   - the npm packages vnu-jar, axe-core and lighthouse, from package-lock.json, into tests/gates/node_modules;
#   - Debian's chromium and a Java runtime, with apt-get when running as root.
# Quick when all is there. Without root a missing package is reported with the command that
# installs it, and the gates that need it skip; under CI=true anything missing is an error.
set -euo pipefail
cd "$(dirname "$0")"

CHROMIUM=/usr/bin/chromium
missing=()

install_npm_packages() {
    # The stamp is newer than the lock file once `npm ci` has installed exactly that lock.
    if [ node_modules/.installed -nt package-lock.json ]; then
        return
    fi
    if ! command -v npm >/dev/null; then
        missing+=("npm (install Node.js and npm: sudo apt-get install -y nodejs npm)")
        return
    fi
    # --ignore-scripts: vnu-jar's postinstall would download a Java runtime; Debian's is used.
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
    touch node_modules/.installed
}

install_debian_packages() {
    local packages=()
    [ -x "$CHROMIUM" ] || packages+=(chromium)
    command -v java >/dev/null || packages+=(default-jre-headless)
    if [ ${#packages[@]} -eq 0 ]; then
        return
    fi
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}"
    else
        missing+=("${packages[*]} (install as root: sudo apt-get install -y ${packages[*]})")
    fi
}

install_npm_packages
install_debian_packages

if [ ${#missing[@]} -gt 0 ]; then
    for item in "${missing[@]}"; do
        echo "gates-setup: missing: $item" >&2
    done
    if [ "${CI:-}" = "true" ]; then
        echo "gates-setup: CI=true: the quality gates cannot run without these; failing." >&2
        exit 1
    fi
    echo "gates-setup: the quality gates that need them will be skipped (see docs/quality.md)." >&2
fi
