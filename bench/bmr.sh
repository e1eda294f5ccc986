#!/usr/bin/env bash
# bmr.sh BUILD_DIR [RUNS=3] [SPECS...] - N-party garbling (mpcrun's default
# for three or more parties) with every party a separate mpcrun process over
# loopback (TLS, as by default). A spec is PROGRAM:N: "loop:N" is a loop of
# K 32-bit multiply-adds over the parties' inputs (about 1 000 AND gates per
# iteration, inputs fixed), "aes:N" one AES-128 block (stdlib crypto, about
# 6 400 AND gates; key from the first party, block from the second: the
# FIPS-197 C.1 vector). For each it
# prints, as "name value unit" lines: AND gates, end-to-end wall time (all
# processes started to all printed; set-up included), AND gates per second
# end to end, the evaluator's garbling-phase rate, the evaluator's time from
# connected (TLS up) to its output (its --stats total), bytes sent per AND gate
# by each party, and the largest peak RSS of the processes; medians of RUNS.
# SPECS default to "aes:3 loop:3 loop:4 aes:5 loop:5" with K = 10 000 (BMR_LOOP);
# BMR_EXTRA adds mpcrun options (e.g. --insecure-plaintext, --protocol yao).
set -eu
BUILD=$(cd "${1:?usage: bench/bmr.sh BUILD_DIR [RUNS] [SPECS...]}" && pwd)
RUNS=${2:-3}
shift $(( $# >= 2 ? 2 : $# ))
SPECS=${*:-aes:3 loop:3 loop:4 aes:5 loop:5}
K=${BMR_LOOP:-10000}
for tool in bc /usr/bin/time; do
    command -v "$tool" >/dev/null 2>&1 ||
        { echo "bmr.sh: needs $tool (apt-get install -y bc time)" >&2; exit 2; }
done
TMP=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$TMP"' EXIT
source "$(dirname "$0")/lib.sh"

for spec in $SPECS; do
    kind=${spec%%:*} n=${spec#*:}
    parties=()
    for i in $(seq 1 "$n"); do parties+=("p$i"); done
    src="$TMP/$kind$n.mpc"
    list=$(IFS=,; echo "${parties[*]}" | sed 's/,/, /g')
    case $kind in
    aes)
        printf 'import "crypto";\nparty %s;\ninput p1 uint128 key;\ninput p2 uint128 blk;\noutput all c = aes128_encrypt(key, blk);\n' "$list" >"$src"
        echo 'p1:key = 0x000102030405060708090a0b0c0d0e0f' >"$TMP/p1.txt"
        echo 'p2:blk = 0x00112233445566778899aabbccddeeff' >"$TMP/p2.txt"
        for p in "${parties[@]:2}"; do : >"$TMP/$p.txt"; done ;;
    loop)
        {
            printf 'party %s;\nconst K = %s;\n' "$list" "$K"
            for p in "${parties[@]}"; do printf 'input %s uint32 v_%s[8];\n' "$p" "$p"; done
            printf 'uint32 s = 1;\nfor i in 0..K { s = s * (v_p1[i %% 8]'
            for p in "${parties[@]:1}"; do printf ' ^ v_%s[i %% 8]' "$p"; done
            printf ') + v_p1[(i + 1) %% 8];\n}\noutput all s;\n'
        } >"$src"
        for p in "${parties[@]}"; do echo "$p:v_$p = [3, 5, 7, 11, 13, 17, 19, 23]" >"$TMP/$p.txt"; done ;;
    *) echo "bmr.sh: unknown program '$kind'" >&2; exit 2 ;;
    esac
    "$BUILD/mpcc" compile "$src" -o "$TMP/prog.circ"
    and=$("$BUILD/mpcc" stats "$TMP/prog.circ" | sed -n 's/^and: //p')
    walls=() rates=() evrates=() evtotals=() rss=() bpa=()
    for r in $(seq 1 "$RUNS"); do
        : >"$TMP/roster"
        pids=()
        t0=$(now)
        last=${parties[$((n - 1))]}
        for p in "${parties[@]}"; do
            cp "$TMP/roster" "$TMP/roster.$p"
            [ "$p" != "$last" ] && echo "$p 127.0.0.1:0" >>"$TMP/roster.$p"
            /usr/bin/time -f "rss %M" -o "$TMP/$p.time" "$BUILD/mpcrun" "$TMP/prog.circ" \
                --party "$p" --parties "$TMP/roster.$p" --input-file "$TMP/$p.txt" --stats \
                --timeout 120 ${BMR_EXTRA:-} >"$TMP/$p.out" 2>"$TMP/$p.err" &
            pids+=($!)
            [ "$p" = "$last" ] && break
            echo "$p 127.0.0.1:$(wait_port "$TMP/$p.err")" >>"$TMP/roster"
        done
        for pid in "${pids[@]}"; do wait "$pid"; done
        t1=$(now)
        for p in "${parties[@]}"; do
            if ! cmp -s "$TMP/p1.out" "$TMP/$p.out" || [ ! -s "$TMP/$p.out" ]; then
                echo "bmr.sh: $kind with $n parties: $p disagrees or failed: $(cat "$TMP/$p.err")" >&2
                exit 1
            fi
        done
        walls+=("$(echo "$t1 - $t0" | bc -l)")
        evrates+=("$(sed -n 's/^p2: \([0-9.]*\) million AND gates\/s/\1/p' "$TMP/p2.err")")
        evtotals+=("$(sed -n 's/^p2: time .* total \([0-9.]*\) ms/\1/p' "$TMP/p2.err")")
        m=0
        for p in "${parties[@]}"; do
            v=$(sed -n 's/^rss //p' "$TMP/$p.time"); [ "$v" -gt "$m" ] && m=$v
            s=$(sed -n "s/^$p: bytes sent \([0-9]*\),.*/\1/p" "$TMP/$p.err")
            bpa+=("$p $(echo "$s / $and" | bc -l)")
        done
        rss+=("$m")
    done
    w=$(printf '%s\n' "${walls[@]}" | median)
    echo "bmr_${kind}_${n}p and $and gates"
    echo "bmr_${kind}_${n}p wall $(printf '%.3f' "$w") s"
    echo "bmr_${kind}_${n}p end_to_end $(echo "$and / $w / 1000000" | bc -l | xargs printf '%.2f') M_AND/s"
    echo "bmr_${kind}_${n}p evaluator_garbling $(printf '%s\n' "${evrates[@]}" | median) M_AND/s"
    echo "bmr_${kind}_${n}p after_connect $(printf '%s\n' "${evtotals[@]}" | median) ms"
    for p in "${parties[@]}"; do
        echo "bmr_${kind}_${n}p bytes_per_and_$p $(printf '%s\n' "${bpa[@]}" | sed -n "s/^$p //p" | median | xargs printf '%.1f') B"
    done
    echo "bmr_${kind}_${n}p peak_rss_max $(printf '%s\n' "${rss[@]}" | median) KB"
    grep -h "^c = \|^s = " "$TMP/p1.out" | head -1 | sed "s/^/bmr_${kind}_${n}p output /"
done
