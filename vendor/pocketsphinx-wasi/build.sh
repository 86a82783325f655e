#!/usr/bin/env bash
# Rebuilds recognizer.wasm: sphinxbase and pocketsphinx 0.8+5prealpha (Debian bookworm's sources) with this
# folder's recognizer.c, for wasm32-wasi. Needs Debian's clang-14, lld-14, wasi-libc and a deb-src entry:
#   apt-get install clang-14 lld-14 wasi-libc && apt-get source pocketsphinx sphinxbase
# Usage: build.sh SPHINXBASE_SOURCE_DIR POCKETSPHINX_SOURCE_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
sb="$(cd "$1" && pwd)"
ps="$(cd "$2" && pwd)"
sources=()
for f in "$sb"/src/libsphinxbase/{util,fe,feat,lm}/*.c; do
  case "$f" in */sbthread.c) ;; *) sources+=("$f") ;; esac # no threads under WASI
done
sources+=("$ps"/src/libpocketsphinx/*.c "$here/recognizer.c")
clang-14 --target=wasm32-wasi -nostdinc -isystem "$(clang-14 -print-resource-dir)/include" \
  -isystem /usr/include/wasm32-wasi -L/usr/lib/wasm32-wasi -O2 -w \
  -DHAVE_CONFIG_H -D_WASI_EMULATED_MMAN -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_PROCESS_CLOCKS \
  -I"$here/include" -I"$sb/include" -I"$ps/include" -I"$ps/src/libpocketsphinx" \
  "${sources[@]}" -lwasi-emulated-mman -lwasi-emulated-signal -lwasi-emulated-process-clocks -lm \
  -Wl,-z,stack-size=4194304 -Wl,--strip-all -o "$here/recognizer.wasm" 2>&1 |
  grep -v 'signature mismatch\|defined as' || true # f2c's LAPACK helpers, unused by the decoder
ls -l "$here/recognizer.wasm"
