#!/bin/sh
# Usage: build-worker.sh <mediasoup package dir>
#
# Builds mediasoup's C++ worker offline from Debian's packages (see install-worker.mjs for the list) into
# <pkg>/worker/out/Release/mediasoup-worker, where mediasoup's Node code looks for it. mediasoup's own
# postinstall would first download a prebuilt worker, then pip-install meson and let meson download every
# library's sources: none of that is reachable here, so package.json denies its install script and
# install-worker.mjs runs this instead.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
PKG=$(cd "$1" && pwd)
W="$PKG/worker"
BUILD="$W/out/Release/build"

sh "$HERE/system-subprojects.sh" "$W"
# Debian 12 ships meson 1.0.1; mediasoup 3.13 asks for >= 1.1.0 but configures and builds fine with 1.0.1.
sed -i "s/meson_version: '>= 1.1.0'/meson_version: '>= 1.0.0'/" "$W/meson.build"

# mediasoup 3.13's DTLS BIO callback answers 1 after every BIO operation except a bare BIO_CB_RETURN, so with an
# OpenSSL built with kernel TLS (Debian's is) BIO_get_ktls_send() on its memory BIO says "yes": OpenSSL then
# allocates no write buffer and the worker dies (SIGSEGV in do_dtls1_write) on a browser's first DTLS handshake.
# After an operation the callback must hand back that operation's own result.
sed -i 's/(operationType == BIO_CB_RETURN) ? static_cast<long>(ret) : 1;/(operationType \& BIO_CB_RETURN) ? static_cast<long>(ret) : 1;/' \
  "$W/src/RTC/DtlsTransport.cpp"
grep -q '(operationType & BIO_CB_RETURN)' "$W/src/RTC/DtlsTransport.cpp"

cd "$W"
[ -f "$BUILD/build.ninja" ] || meson setup --buildtype release -Db_ndebug=true -Db_pie=true \
  --wrap-mode=nodownload ${TELEDX_MEDIASOUP_MESON_ARGS:-} "$BUILD"
# The generated FlatBuffers headers (FBS/*.h) must exist before any worker source compiles.
meson compile -C "$BUILD" flatbuffers-generator
meson compile -C "$BUILD" mediasoup-worker
cp "$BUILD/mediasoup-worker" "$W/out/Release/mediasoup-worker"
