# mpcrun_tls.sh - end to end over mutual TLS 1.3: certificates made at test
# time with the openssl command (a CA with alice and bob, a second CA with
# mallory, an expired bob); valid credentials give the right outputs, a
# foreign, expired or unpinned certificate and a plain-TCP peer are refused by
# both sides with clear messages, within the timeout, without sanitizer reports.
# shellcheck disable=SC2046 # $(creds ...) is split into options on purpose
. "$(dirname "$0")/common.bash"
EX="$MPCC_SOURCE_DIR/examples"
SAN_RE='LeakSanitizer|AddressSanitizer|runtime error'
san_clean() { ! grep -qE "$SAN_RE" "$@" 2>/dev/null; }

if ! command -v openssl >/dev/null; then
    skip "no openssl command"
fi
if ! "$MPCC" compile "$EX/millionaires.mpc" -o "$TMP/mill.circ" 2>"$TMP/c.err"; then
    bad "mpcc compile: $(cat "$TMP/c.err")"; finish; exit
fi

# ---- certificates (P-256 keys, valid for 2 days).
C="$TMP/pki"
mkdir -p "$C"
ossl() { openssl "$@" >>"$C/openssl.log" 2>&1 || { bad "openssl $1 failed: $(tail -3 "$C/openssl.log")"; return 1; }; }
newkey=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
# make_ca NAME
make_ca() { ossl req -x509 "${newkey[@]}" -keyout "$C/$1.key" -out "$C/$1.pem" -subj "/CN=$1" -days 2; }
# make_cert NAME CA
make_cert() {
    ossl req "${newkey[@]}" -keyout "$C/$2.key" -out "$C/$2.csr" -subj "/CN=$2" &&
    ossl x509 -req -in "$C/$2.csr" -CA "$C/$1.pem" -CAkey "$C/$1.key" -CAcreateserial \
        -out "$C/$2.pem" -days 2
}
make_ca ca1 && make_cert ca1 alice && make_cert ca1 bob && make_cert ca1 carol &&
make_ca ca2 && make_cert ca2 mallory || { finish; exit; }
# An expired certificate for bob: `openssl ca` accepts explicit start/end dates.
mkdir -p "$C/db"; : >"$C/db/index.txt"; echo 1000 >"$C/db/serial"
cat >"$C/ca.cnf" <<EOF
[ ca ]
default_ca = d
[ d ]
database = $C/db/index.txt
new_certs_dir = $C/db
serial = $C/db/serial
default_md = sha256
policy = p
[ p ]
commonName = supplied
EOF
have_expired=0
if ossl ca -batch -config "$C/ca.cnf" -cert "$C/ca1.pem" -keyfile "$C/ca1.key" \
        -in "$C/bob.csr" -out "$C/bob_old.pem" -notext \
        -startdate 20200101000000Z -enddate 20200102000000Z; then
    have_expired=1
fi

# creds NAME [CA]: the TLS options of a party presenting NAME's certificate.
creds() { echo "--tls-cert $C/$1.pem --tls-key $C/${2:-$1}.key --tls-ca $C/ca1.pem"; }
ALICE=("$TMP/mill.circ" --party alice --input wealth_a=10 --timeout 10)
# Alice listening where the peer will be refused: she drops the connection as
# a stranger's and waits on until her (short) timeout for the real bob.
ALICE_R=("$TMP/mill.circ" --party alice --input wealth_a=10 --timeout 3)
BOB=("$TMP/mill.circ" --party bob --input wealth_b=9 --timeout 10)

# timed_pair NAME LISTENER... -- CONNECTOR...: run_pair plus wall seconds.
timed_pair() {
    local start=$SECONDS
    run_pair "$@"
    echo $((SECONDS - start)) >"$TMP/$1.secs"
}
# refused NAME PATTERN_A PATTERN_B: both non-zero, no output, messages match,
# within 15 s, no sanitizer report.
refused() {
    local n=$1
    if [ "$(cat "$TMP/$n.a.rc")" != 0 ] && [ "$(cat "$TMP/$n.b.rc")" != 0 ] &&
       [ "$(cat "$TMP/$n.b.rc")" != 99 ] && [ "$(cat "$TMP/$n.secs")" -le 15 ] &&
       [ ! -s "$TMP/$n.a.out" ] && [ ! -s "$TMP/$n.b.out" ] &&
       grep -qE "$2" "$TMP/$n.a.err" && grep -qE "$3" "$TMP/$n.b.err" &&
       san_clean "$TMP/$n.a.err" "$TMP/$n.b.err"; then ok
    else
        bad "$n: rc $(cat "$TMP/$n.a.rc")/$(cat "$TMP/$n.b.rc") in $(cat "$TMP/$n.secs")s," \
            "out [$(cat "$TMP/$n.a.out" "$TMP/$n.b.out")]: $(cat "$TMP/$n.a.err" "$TMP/$n.b.err")"
    fi
}
succeeded() {
    local n=$1 want="alice_is_richer = true"
    if [ "$(cat "$TMP/$n.a.rc")" = 0 ] && [ "$(cat "$TMP/$n.b.rc")" = 0 ] &&
       [ "$(cat "$TMP/$n.a.out")" = "$want" ] && [ "$(cat "$TMP/$n.b.out")" = "$want" ] &&
       san_clean "$TMP/$n.a.err" "$TMP/$n.b.err"; then ok
    else
        bad "$n: rc $(cat "$TMP/$n.a.rc")/$(cat "$TMP/$n.b.rc"), out" \
            "[$(cat "$TMP/$n.a.out")]/[$(cat "$TMP/$n.b.out")]: $(cat "$TMP/$n.a.err" "$TMP/$n.b.err")"
    fi
}

# ---- both valid: the right outputs (and the same with the roles of
# listener and garbler split: bob listens and evaluates).
timed_pair ok1 "${ALICE[@]}" $(creds alice) -- "${BOB[@]}" $(creds bob)
succeeded ok1
timed_pair ok2 "${BOB[@]}" $(creds bob) -- "${ALICE[@]}" $(creds alice)
succeeded ok2
# Pinning: alice trusts exactly bob's certificate (no CA).
timed_pair pin "${ALICE[@]}" --tls-cert "$C/alice.pem" --tls-key "$C/alice.key" \
                --tls-peer-cert "$C/bob.pem" -- "${BOB[@]}" $(creds bob)
succeeded pin

# ---- bob presents mallory's certificate (another CA): both refuse.
timed_pair mallory "${ALICE_R[@]}" $(creds alice) -- \
    "${BOB[@]}" --tls-cert "$C/mallory.pem" --tls-key "$C/mallory.key" --tls-ca "$C/ca1.pem"
refused mallory "party alice: .*TLS handshake with .*certificate was rejected: unable to get local issuer certificate" \
                "party bob: .*TLS handshake with .*(rejected our certificate|closed the connection)"
# The same with mallory listening: bob refuses alice-the-impostor's server certificate.
timed_pair mallory2 "${ALICE_R[@]}" --tls-cert "$C/mallory.pem" --tls-key "$C/mallory.key" \
    --tls-ca "$C/ca1.pem" -- "${BOB[@]}" $(creds bob)
refused mallory2 "party alice: .*TLS handshake with .*(rejected our certificate|closed the connection)" \
                 "party bob: TLS handshake with .*certificate was rejected: unable to get local issuer certificate"

# ---- a CA-signed certificate that is not the pinned one.
timed_pair unpinned "${ALICE_R[@]}" --tls-cert "$C/alice.pem" --tls-key "$C/alice.key" \
    --tls-peer-cert "$C/bob.pem" --tls-ca "$C/ca1.pem" -- "${BOB[@]}" $(creds carol)
refused unpinned "party alice: .*TLS handshake with .*not the pinned one" "party bob: "

# ---- an expired certificate.
if [ $have_expired = 1 ]; then
        timed_pair expired "${ALICE_R[@]}" $(creds alice) -- \
        "${BOB[@]}" --tls-cert "$C/bob_old.pem" --tls-key "$C/bob.key" --tls-ca "$C/ca1.pem"
    refused expired "party alice: .*TLS handshake with .*certificate has expired" \
                    "party bob: .*TLS handshake with .*(rejected our certificate|closed the connection)"
else
    echo "SKIP: could not make an expired certificate with openssl ca"
fi

# ---- a plain-TCP peer against a TLS listener, and the reverse: refused.
timed_pair plain "${ALICE_R[@]}" $(creds alice) -- "${BOB[@]}"
refused plain "party alice: .*TLS handshake with .*is the peer using TLS" "party bob: "
timed_pair plain2 "${ALICE_R[@]}" -- "${BOB[@]}" $(creds bob)
refused plain2 "party alice: " "party bob: TLS handshake with .*"

# ---- a key that does not belong to the certificate: a clear local error.
timed_pair wrongkey "${ALICE_R[@]}" $(creds alice) -- "${BOB[@]}" $(creds bob alice)
refused wrongkey "party alice: " "party bob: cannot load private key '$C/alice.key' for certificate '$C/bob.pem'"

# ---- bob presents alice's own certificate (signed by the same CA): refused,
# since a CA-checked peer certificate must also carry the peer's party name.
timed_pair swap "${ALICE_R[@]}" $(creds alice) -- "${BOB[@]}" $(creds alice)
if [ "$(cat "$TMP/swap.a.rc")" != 0 ] && [ "$(cat "$TMP/swap.b.rc")" != 0 ] &&
   [ ! -s "$TMP/swap.a.out" ] && [ ! -s "$TMP/swap.b.out" ]; then ok
else bad "a certificate naming another party was accepted: $(cat "$TMP/swap.a.err" "$TMP/swap.b.err")"; fi

# ---- a missing certificate file is reported at once, before any network step.
start=$SECONDS
out=$("$MPCRUN" "${BOB[@]}" --tls-cert "$C/none.pem" --tls-key "$C/bob.key" --tls-ca "$C/ca1.pem" \
      --connect 127.0.0.1:1 --timeout 20 2>&1)
rc=$?
if [ $rc != 0 ] && [ $((SECONDS - start)) -le 3 ] && echo "$out" | grep -q -- "--tls-cert $C/none.pem: No such file"; then ok
else bad "missing --tls-cert: rc=$rc after $((SECONDS - start))s: $out"; fi

finish
