# lib.sh - helpers sourced by the benchmark scripts (not run on its own):
# medians, a clock, and waiting for a process to say which port it listens on.
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
now() { date +%s.%N; }
# wait_port FILE: waits (up to 4 s) for "listening on port N" in FILE; prints N.
wait_port() {
    local i p
    for i in $(seq 1 400); do
        p=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$1" 2>/dev/null | head -1)
        if [ -n "$p" ]; then echo "$p"; return 0; fi
        sleep 0.01
    done
    echo "$(basename "$0"): did not start: $(cat "$1")" >&2
    return 1
}
