# Shared by scripts/dev and scripts/test. Source it; it defines functions only.

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=0
# ensure_packages PKG...: installs the Debian packages that are missing.
ensure_packages() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing ${missing[*]}"
    if [ "$apt_updated" -eq 0 ]; then
        as_root apt-get update -qq
        apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
}

# ensure_app_packages: what the phone app's desktop build and its window tests need: WebKitGTK
# and friends for the Dioxus desktop renderer, Xvfb for a screen, xdotool for a user's taps and
# keys, ImageMagick for screenshots.
ensure_app_packages() {
    ensure_packages pkg-config libwebkit2gtk-4.1-dev libgtk-3-dev libxdo-dev libsoup-3.0-dev xvfb xauth xdotool imagemagick
}

# ensure_web_packages: what the browser suite of the manager pages (tests/web, started by
# tests/tests/manager_pages.rs) needs: Debian's chromium, Node 20 or later, and the suite's npm
# packages, installed again when package-lock.json is newer than the installed copy.
ensure_web_packages() {
    [ -x /usr/bin/chromium ] || ensure_packages chromium
    local major
    major=$(node --version 2>/dev/null | sed -n 's/^v\([0-9]*\)\..*/\1/p')
    if [ -z "$major" ] || [ "$major" -lt 20 ]; then
        echo "the browser suite needs Node 20 or later (with npm); found: ${major:-none}" >&2
        exit 1
    fi
    if [ ! -f tests/web/node_modules/.package-lock.json ] \
        || [ tests/web/package-lock.json -nt tests/web/node_modules/.package-lock.json ]; then
        log "installing the browser suite's npm packages"
        npm ci --prefix tests/web --no-audit --no-fund
    fi
}

# ensure_toolchain: cargo, rustfmt and clippy.
ensure_toolchain() {
    if ! command -v cargo >/dev/null 2>&1; then
        echo "cargo is not installed: this machine kind ships a Rust toolchain (rustup); install one first" >&2
        exit 1
    fi
    cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt
    cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
}

DB_HOST=${FLEET_DB_HOST:-127.0.0.1}
DB_PORT=${FLEET_DB_PORT:-3306}

mariadb_cli() { mariadb -h "$DB_HOST" -P "$DB_PORT" -u root "$@"; }

# ensure_mariadb: installs MariaDB if missing and starts it if it is not answering.
ensure_mariadb() {
    command -v mariadb >/dev/null 2>&1 && command -v mariadbd >/dev/null 2>&1 || ensure_packages mariadb-server mariadb-client
    if mariadb-admin -h "$DB_HOST" -P "$DB_PORT" -u root ping >/dev/null 2>&1; then
        return 0
    fi
    log "starting MariaDB"
    as_root mkdir -p /run/mysqld
    as_root chown mysql:mysql /run/mysqld 2>/dev/null || true
    as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
    for _ in $(seq 1 60); do
        mariadb-admin -h "$DB_HOST" -P "$DB_PORT" -u root ping >/dev/null 2>&1 && return 0
        sleep 0.5
    done
    echo "MariaDB did not start on $DB_HOST:$DB_PORT" >&2
    exit 1
}

# ensure_database NAME: creates the database if it does not exist.
ensure_database() {
    mariadb_cli -e "CREATE DATABASE IF NOT EXISTS \`$1\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
}
