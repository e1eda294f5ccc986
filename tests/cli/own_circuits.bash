# own_circuits.bash - sourced by the end-to-end tests (not a test itself):
# make_own_circuits DIR writes Bristol Fashion circuits made by this project
# (programs compiled with `mpcc compile --bristol`: 64-bit adder, subtractor,
# multiplier, negation and zero test, the stdlib's AES-128 and SHA-256) into
# DIR/NAME.txt, and DIR/vectors.txt in the format of ../shared's
# (`NAME IN... -> OUT...`, hexadecimal, bit i = wire i) with answers computed
# independently: bash arithmetic, FIPS-197's vector and `openssl enc` for
# AES, coreutils' sha256sum for SHA-256. So the tests that drive Bristol
# circuits run from a clone of the project alone; ../shared, when present,
# adds its independent circuits on top. Returns non-zero when a circuit does
# not compile. Needs $MPCC.

# own_hex64 V: V (a bash integer) as 16 hex digits.
own_hex64() { printf '%016x' "$1"; }

# own_rand64: a random 64-bit value (bash integer, may be negative).
own_rand64() { echo $(( (RANDOM << 49) ^ (RANDOM << 34) ^ (RANDOM << 19) ^ (RANDOM << 4) ^ (RANDOM & 15) )); }

# own_bytes_hex N: N random bytes as 2N hex digits.
own_bytes_hex() { head -c "$1" /dev/urandom | od -An -v -tx1 | tr -d ' \n'; }

# own_reverse_hex HEX: the bytes of HEX in reverse order.
own_reverse_hex() { echo "$1" | fold -w2 | tac | tr -d '\n'; }

make_own_circuits() {
    local d=$1 src
    mkdir -p "$d" || return 1
    for spec in "adder64:a + b" "sub64:a - b" "mult64:a * b"; do
        printf 'party p, q;\ninput p uint64 a;\ninput q uint64 b;\noutput all r = %s;\n' "${spec#*:}" >"$d/${spec%%:*}.mpc"
    done
    printf 'party p, q;\ninput p uint64 a;\noutput all r = uint64(0) - a;\n' >"$d/neg64.mpc"
    printf 'party p, q;\ninput p uint64 a;\noutput all r = a == 0;\n' >"$d/zero_equal.mpc"
    printf 'import "crypto";\nparty p, q;\ninput p uint128 k;\ninput q uint128 m;\noutput all c = aes128_encrypt(k, m);\n' \
        >"$d/aes_128.mpc"
    printf 'import "crypto";\nparty p, q;\ninput p uint8 m[55];\noutput all d = sha256(m);\n' >"$d/sha256_55.mpc"
    for src in "$d"/*.mpc; do
        "$MPCC" compile "$src" --bristol -o "${src%.mpc}.txt" || return 1
    done
    local v="$d/vectors.txt" a b k m i
    : >"$v"
    for i in 1 2 3 4 5; do
        a=$(own_rand64) b=$(own_rand64)
        [ $i = 1 ] && a=0 b=0
        [ $i = 2 ] && a=-1 b=-1
        echo "adder64 $(own_hex64 "$a") $(own_hex64 "$b") -> $(own_hex64 $((a + b)))" >>"$v"
        echo "sub64 $(own_hex64 "$a") $(own_hex64 "$b") -> $(own_hex64 $((a - b)))" >>"$v"
        echo "mult64 $(own_hex64 "$a") $(own_hex64 "$b") -> $(own_hex64 $((a * b)))" >>"$v"
        echo "neg64 $(own_hex64 "$a") -> $(own_hex64 $((-a)))" >>"$v"
        echo "zero_equal $(own_hex64 "$a") -> $([ "$a" = 0 ] && echo 1 || echo 0)" >>"$v"
    done
    echo "aes_128 000102030405060708090a0b0c0d0e0f 00112233445566778899aabbccddeeff -> 69c4e0d86a7b0430d8cdb78070b4c55a" >>"$v"
    if command -v openssl >/dev/null 2>&1; then
        for i in 1 2 3; do
            k=$(own_bytes_hex 16) m=$(own_bytes_hex 16)
            local c
            # shellcheck disable=SC2059 # the format is the bytes, as \xHH escapes
            c=$(printf "$(echo "$m" | sed 's/../\\x&/g')" | openssl enc -aes-128-ecb -nopad -K "$k" 2>/dev/null |
                od -An -v -tx1 | tr -d ' \n')
            [ ${#c} = 32 ] && echo "aes_128 $k $m -> $c" >>"$v"
        done
    fi
    for i in 1 2 3; do
        head -c 55 /dev/urandom >"$d/msg"
        echo "sha256_55 $(own_reverse_hex "$(od -An -v -tx1 "$d/msg" | tr -d ' \n')") -> $(sha256sum "$d/msg" | cut -d' ' -f1)" >>"$v"
    done
    rm -f "$d/msg"
}
