#!/usr/bin/env bash
# The daemon driven by an independent C client (scripts/loadclient.c) beside a plain C echo
# server driven the same way, alternately, ROUNDS times each; prints every run and the medians'
# ratios, and the daemon's processor time per stored turn (from /proc, over the measured runs).
#
#   swift build -c release --product helpline
#   scripts/c-load.sh [ROUNDS] [LATENCY_TURNS] [THROUGHPUT_TURNS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-3}"; LATENCY_TURNS="${2:-5000}"; THROUGHPUT_TURNS="${3:-40000}"
HELPLINE="${HELPLINE:-.build/release/helpline}"
WORK="$(mktemp -d /tmp/helpline-c-load.XXXXXX)"
cleanup() { kill "${ECHO_PID:-}" "${DAEMON_PID:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
cc -O2 -pthread -o "$WORK/loadclient" scripts/loadclient.c

wait_for_socket() { for _ in $(seq 1 600); do [ -S "$1" ] && return 0; sleep 0.05; done; echo "no socket $1" >&2; exit 1; }
"$WORK/loadclient" echo-server "$WORK/echo.sock" 2>/dev/null & ECHO_PID=$!
"$HELPLINE" serve --socket "$WORK/helpline.sock" --db "$WORK/helpline.sqlite" --log-level warning & DAEMON_PID=$!
wait_for_socket "$WORK/echo.sock"; wait_for_socket "$WORK/helpline.sock"
# Warm both up (the daemon's first turns page in its model and fill its caches).
"$WORK/loadclient" drive "$WORK/helpline.sock" -c 4 -k 8 -n 5000 >/dev/null
"$WORK/loadclient" drive "$WORK/echo.sock" -c 4 -k 8 -n 5000 --echo >/dev/null

cpu_ticks() { awk '{print $14 + $15}' "/proc/$DAEMON_PID/stat"; }
value() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
HZ="$(getconf CLK_TCK)"

for config in "1 1 $LATENCY_TURNS" "16 32 $THROUGHPUT_TURNS"; do
    set -- $config
    : > "$WORK/daemon.txt"; : > "$WORK/echo.txt"; : > "$WORK/cpu.txt"
    for round in $(seq 1 "$ROUNDS"); do
        before="$(cpu_ticks)"
        "$WORK/loadclient" drive "$WORK/helpline.sock" -c "$1" -k "$2" -n "$3" -s "$round" | tee -a "$WORK/daemon.txt" | sed 's/^/daemon /'
        after="$(cpu_ticks)"
        requests="$(tail -n 1 "$WORK/daemon.txt" | value requests)"
        warm=$(( $3 / 10 < 100 ? 100 : $3 / 10 ))
        echo "scale=1; ($after - $before) * 1000000 / $HZ / ($requests + $warm)" | bc >> "$WORK/cpu.txt"
        "$WORK/loadclient" drive "$WORK/echo.sock" -c "$1" -k "$2" -n "$3" --echo | tee -a "$WORK/echo.txt" | sed 's/^/echo   /'
    done
    d50="$(value p50_us < "$WORK/daemon.txt" | median)"; e50="$(value p50_us < "$WORK/echo.txt" | median)"
    drate="$(value per_second < "$WORK/daemon.txt" | median)"; erate="$(value per_second < "$WORK/echo.txt" | median)"
    cpu="$(median < "$WORK/cpu.txt")"
    echo "$1 × $2: p50 daemon ${d50} µs ÷ echo ${e50} µs = $(echo "scale=1; $d50 / $e50" | bc) ×;" \
         "daemon ${drate}/s ÷ echo ${erate}/s = $(echo "scale=4; $drate / $erate" | bc);" \
         "daemon CPU ${cpu} µs a turn (medians of $ROUNDS)"
done
