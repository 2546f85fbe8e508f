#!/usr/bin/env bash
# Run sqlrel's test suite against throwaway PostgreSQL and MariaDB servers.
#
#   scripts/test.sh [cargo test args...]
#
# If DATABASE_URL and MYSQL_URL are both set, those servers are used instead.
# Either way SQLREL_REQUIRE_SERVERS=1 is set: a server test whose URL is
# missing then fails instead of being skipped (as plain `cargo test` does).
# SQLREL_TEST_CMD overrides the command run (default: cargo test
# --all-features --locked, then scripts/interop.sh when no args are given);
# it is run with `bash -c`, script args as "$@".
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo_root=$PWD

die() { echo "scripts/test.sh: $*" >&2; exit 1; }

run_tests() {
    export INSTA_UPDATE=no
    export SQLREL_REQUIRE_SERVERS=1
    if [[ -n ${SQLREL_TEST_CMD:-} ]]; then
        "$@" bash -c "$SQLREL_TEST_CMD" scripts/test.sh "${args[@]}"
    else
        # Then, for the whole suite (no arguments), the interop programs.
        "$@" bash -c 'cargo test --all-features --locked "$@" && { (($#)) || scripts/interop.sh; }' \
            scripts/test.sh "${args[@]}"
    fi
}
args=("$@")

# Tools the tests run: Graphviz's `dot` checks the CLI's DOT output
# (tests/it/cli.rs); sqlite3, pg_dump and mariadb-dump make the real dumps
# of tests/it/dumps.rs.
tools=()
command -v dot >/dev/null || tools+=(graphviz)
command -v sqlite3 >/dev/null || tools+=(sqlite3)
if ! command -v pg_dump >/dev/null && ! compgen -G '/usr/lib/postgresql/*/bin/pg_dump' >/dev/null; then
    tools+=(postgresql-client)
fi
command -v mariadb-dump >/dev/null || command -v mysqldump >/dev/null || tools+=(mariadb-client)
if ((${#tools[@]})); then
    if ((EUID != 0)); then
        die "missing ${tools[*]}; install with: sudo apt-get install ${tools[*]}"
    fi
    echo "Installing ${tools[*]}..." >&2
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${tools[@]}"
fi

if [[ -n ${DATABASE_URL:-} && -n ${MYSQL_URL:-} ]]; then
    echo "Using existing servers: PostgreSQL at ${DATABASE_URL##*@}, MariaDB at ${MYSQL_URL##*@}" >&2
    run_tests exec
fi

# --- Locate (or install) server binaries -----------------------------------
find_pg_bin() {
    local initdb
    initdb=$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n1)
    [[ -x $initdb ]] && dirname "$initdb"
}
find_mariadbd() {
    local c
    for c in mariadbd /usr/sbin/mariadbd; do
        command -v "$c" && return
    done
    return 1
}

missing=()
find_pg_bin >/dev/null || missing+=(postgresql)
find_mariadbd >/dev/null && command -v mariadb-install-db >/dev/null || missing+=(mariadb-server)
if ((${#missing[@]})); then
    if ((EUID != 0)); then
        die "missing ${missing[*]}; install with: sudo apt-get install ${missing[*]}"
    fi
    echo "Installing ${missing[*]}..." >&2
    # No recommends: they add unneeded packages (e.g. sysstat, which ships a service).
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi
pg_bin=$(find_pg_bin) || die "PostgreSQL binaries not found under /usr/lib/postgresql"
mariadbd=$(find_mariadbd) || die "mariadbd not found"

# --- Unprivileged user and scratch directory -------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sqlrel-test.XXXXXX")
test_pid=''

# Is $1 a live (non-zombie) process?
alive() {
    local state
    { read -r _ _ state _ <"/proc/$1/stat"; } 2>/dev/null && [[ $state != Z ]]
}
# Send signal $1 to process $2 and wait up to 30s for it to exit, then SIGKILL.
stop() {
    local i
    kill -s "$1" "$2" 2>/dev/null || return 0
    for ((i = 0; i < 300; i++)); do
        alive "$2" || return 0
        sleep 0.1
    done
    kill -s KILL "$2" 2>/dev/null || true
}
# Same for the test process group led by $1 (our child, hence the wait).
# shellcheck disable=SC2317 # only reached via the trap; old shellcheck can't tell
stop_group() {
    local i
    kill -s TERM -- "-$1" 2>/dev/null || return 0
    wait "$1" 2>/dev/null
    for ((i = 0; i < 300; i++)); do
        kill -0 -- "-$1" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -s KILL -- "-$1" 2>/dev/null || true
}
# shellcheck disable=SC2317
cleanup() {
    local pid
    trap - EXIT INT TERM HUP
    set +e
    [[ -n $test_pid ]] && stop_group "$test_pid"
    # Background jobs rather than $my_pid: a signal may land before $! is saved.
    for pid in $(jobs -p); do stop TERM "$pid"; done # mariadbd
    pid=$(head -n1 "$tmp/pg/postmaster.pid" 2>/dev/null) && stop INT "$pid" # fast shutdown
    wait 2>/dev/null # reap our own children
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# initdb refuses to run as root, and neither server should run as root anyway.
run_as=()
if ((EUID == 0)); then
    db_user=sqlrel-ci
    if ! id "$db_user" >/dev/null 2>&1; then
        useradd --system --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$db_user" 2>/dev/null || db_user=nobody
    fi
    # setpriv execs (unlike runuser/su), so $! is the server's own pid.
    run_as=(setpriv --reuid="$(id -u "$db_user")" --regid="$(id -g "$db_user")" --init-groups)
    chown "$db_user" "$tmp"
    "${run_as[@]}" test -w "$tmp" || die "$db_user cannot write to $tmp; set TMPDIR to a world-accessible directory"
fi
cd "$tmp" # the server user may not be able to access the caller's cwd

# Print a free TCP port on 127.0.0.1. Starting a server can still race with
# another process grabbing it, so the start loops below retry with a new port.
free_port() {
    if command -v python3 >/dev/null; then
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
    else
        local p
        while :; do
            p=$((20000 + RANDOM % 12000)) # below Linux's ephemeral range
            (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
        done
    fi
}

fail_with_logs() {
    local f
    echo "scripts/test.sh: $1 failed to start; logs:" >&2
    for f in "${@:2}"; do
        [[ -f $f ]] && { echo "--- $f" >&2; cat "$f" >&2; }
    done
    exit 1
}

# --- PostgreSQL --------------------------------------------------------------
# UTF8 without locale: same encoding everywhere and deterministic collation.
"${run_as[@]}" "$pg_bin/initdb" -D "$tmp/pg" -U postgres --auth-local=trust --auth-host=trust \
    --encoding=UTF8 --no-locale --no-sync >"$tmp/initdb.log" 2>&1 ||
    fail_with_logs PostgreSQL "$tmp/initdb.log"
for attempt in 1 2 3; do
    pg_port=$(free_port)
    # fsync=off: throwaway data, faster tests.
    if "${run_as[@]}" "$pg_bin/pg_ctl" start -w -t 60 -D "$tmp/pg" -l "$tmp/pg.log" \
        -o "-p $pg_port -k $tmp -c listen_addresses=127.0.0.1 -c fsync=off" >"$tmp/pg_ctl.log" 2>&1; then
        break
    fi
    ((attempt < 3)) || fail_with_logs PostgreSQL "$tmp/pg_ctl.log" "$tmp/pg.log"
done
"$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres sqlrel_test ||
    fail_with_logs PostgreSQL "$tmp/pg.log"

# --- MariaDB -----------------------------------------------------------------
# --no-defaults: ignore /etc/mysql config; "normal" root auth: root has no
# password, so this script can connect whichever OS user it runs as.
"${run_as[@]}" mariadb-install-db --no-defaults --datadir="$tmp/my" \
    --auth-root-authentication-method=normal --skip-test-db >"$tmp/install-db.log" 2>&1 ||
    fail_with_logs MariaDB "$tmp/install-db.log"
my=(--no-defaults --socket="$tmp/my.sock" --user=root)
for attempt in 1 2 3; do
    my_port=$(free_port)
    rm -f "$tmp/my.log"
    "${run_as[@]}" "$mariadbd" --no-defaults --datadir="$tmp/my" --socket="$tmp/my.sock" \
        --port="$my_port" --bind-address=127.0.0.1 --skip-name-resolve \
        --pid-file="$tmp/my.pid" --log-error="$tmp/my.log" \
        --character-set-server=utf8mb4 --innodb-flush-log-at-trx-commit=0 >"$tmp/my.out" 2>&1 &
    my_pid=$!
    for ((i = 0; i < 600; i++)); do
        mariadb-admin "${my[@]}" --connect-timeout=1 ping >/dev/null 2>&1 && break 2
        alive "$my_pid" || break
        sleep 0.1
    done
    stop TERM "$my_pid"
    wait "$my_pid" 2>/dev/null || true
    ((attempt < 3)) || fail_with_logs MariaDB "$tmp/my.out" "$tmp/my.log"
done
mariadb "${my[@]}" <<'SQL' || fail_with_logs MariaDB "$tmp/my.log"
CREATE DATABASE sqlrel_test CHARACTER SET utf8mb4;
CREATE USER 'sqlrel'@'127.0.0.1' IDENTIFIED BY 'sqlrel';
CREATE USER 'sqlrel'@'%' IDENTIFIED BY 'sqlrel';
-- Tests create a database per loaded case, so the user may create any.
GRANT ALL PRIVILEGES ON *.* TO 'sqlrel'@'127.0.0.1', 'sqlrel'@'%';
SQL

# --- Tests -------------------------------------------------------------------
export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/sqlrel_test"
export MYSQL_URL="mysql://sqlrel:sqlrel@127.0.0.1:$my_port/sqlrel_test"
pg_ver=${pg_bin%/bin}
echo "Using throwaway servers: PostgreSQL ${pg_ver##*/} on 127.0.0.1:$pg_port, MariaDB on 127.0.0.1:$my_port" >&2

cd "$repo_root"
# Run the tests in their own session (setsid execs in place, so the group id is
# $!), letting cleanup stop the whole tree (cargo and test binaries) on a signal
# or stragglers afterwards, before the servers go away.
run_tests exec setsid &
test_pid=$!
status=0
wait "$test_pid" || status=$?
exit "$status"
