# Sourced by the benchmark scripts: `release_binaries PRODUCT…` builds the products
# (incrementally) so the figures are of the code checked out, and sets BIN to their
# directory — unless BIN is set already, to measure binaries built elsewhere.
release_binaries() {
    if [ -z "${BIN:-}" ]; then
        local product
        for product in "$@"; do (cd "$ROOT" && swift build -c release --product "$product" >&2); done
        BIN=$(cd "$ROOT" && swift build -c release --show-bin-path)
    fi
}
