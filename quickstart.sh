#!/usr/bin/env bash
# quickstart.sh - the README's two commands: install what is missing on a
# Debian machine, build, and either run the demo or run every test.
#   ./quickstart.sh demo    build (Release) and run the main demo
#   ./quickstart.sh test    build and run the whole test suite through ctest
# Environment: MPCC_SANITIZE=1 builds with ASan+UBSan (in build-sanitize/);
# CC picks the compiler; MPCC_BUILD_DIR overrides the build folder.
set -euo pipefail
cd "$(dirname "$0")"

packages=(cmake gcc libc6-dev make flex bison check libssl-dev pkg-config openssl)
# The test suite also runs the constant-time check under valgrind, renders
# the manual pages with groff and man, and checks the editor files with
# python3 and vim.
[ "${1:-}" = test ] && packages+=(valgrind groff-base man-db python3 vim)

install_missing_packages() {
    local missing=()
    for p in "${packages[@]}"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "quickstart: installing ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

configure_and_build() {
    local type=Release dir=${MPCC_BUILD_DIR:-build} extra=()
    if [ "${MPCC_SANITIZE:-0}" = 1 ]; then
        type=Debug dir=${MPCC_BUILD_DIR:-build-sanitize} extra=(-DMPCC_SANITIZE=ON)
    fi
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="$type" "${extra[@]}" >/dev/null
    cmake --build "$dir" -j"$(nproc)" >/dev/null
    BUILD_DIR=$dir
}

cmd=${1:-}
case "$cmd" in
demo)
    install_missing_packages
    configure_and_build
    exec bash examples/demo.sh "$BUILD_DIR"
    ;;
test)
    install_missing_packages
    configure_and_build
    cd "$BUILD_DIR"
    # ctest counts a test that exits 77 as skipped (never as passed); say how many.
    set +e
    ctest --output-on-failure -j"$(nproc)" | tee ctest-output.txt
    rc=${PIPESTATUS[0]}
    echo "tests skipped: $(grep -c ' (Skipped)$' ctest-output.txt) (the reason is printed above each)"
    exit "$rc"
    ;;
*)
    echo "usage: $0 demo|test" >&2
    exit 2
    ;;
esac
