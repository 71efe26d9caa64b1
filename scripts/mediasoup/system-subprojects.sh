#!/bin/sh
# Usage: system-subprojects.sh <mediasoup worker dir>
#
# mediasoup's worker/meson.build takes its C/C++ libraries from meson "wraps" (subprojects/*.wrap) that
# download their sources on first use. With no network that fails, so for each wrap we pre-create the
# directory the wrap names, holding a tiny meson.build that exposes the same variables mediasoup reads,
# backed by the Debian packages' system libraries (pkg-config). Meson then finds the subproject on disk
# and never downloads anything. Written for mediasoup 3.13.x (its variable names are listed in
# worker/meson.build, in the `dependencies` and `link_whole` lists); the "*_lib" variables name libraries
# to link whole and stay empty, since the system libraries are shared.
set -eu
W="$1"
cd "$W/subprojects"

# The directory a wrap file unpacks to (its `directory =` line).
wrap_dir() { sed -n 's/^directory *= *//p' "$1.wrap" | head -1; }

# Writes <wrap's directory>/meson.build from stdin, and the options mediasoup passes to the
# subproject (meson refuses default_options that the subproject does not declare).
shim() {
  dir=$(wrap_dir "$1")
  mkdir -p "$dir"
  cat > "$dir/meson.build"
  shift
  if [ $# -gt 0 ]; then printf '%s\n' "$@" > "$dir/meson_options.txt"; fi
}

shim openssl <<'M'
project('openssl', 'c')
openssl_dep = dependency('openssl', method: 'pkg-config', allow_fallback: false)
libcrypto_dep = dependency('libcrypto', method: 'pkg-config', allow_fallback: false)
libssl_dep = dependency('libssl', method: 'pkg-config', allow_fallback: false)
libcrypto_lib = []
libssl_lib = []
M

shim libuv "option('build_tests', type: 'boolean', value: false)" \
  "option('build_benchmarks', type: 'boolean', value: false)" <<'M'
project('libuv', 'c')
libuv_dep = dependency('libuv', method: 'pkg-config', allow_fallback: false)
libuv = []
M

# mediasoup includes <srtp.h>: the bundled build exposes include/ directly, Debian puts it in srtp2/.
shim libsrtp2 "option('crypto-library', type: 'string', value: 'openssl')" \
  "option('crypto-library-kdf', type: 'feature', value: 'disabled')" \
  "option('tests', type: 'feature', value: 'disabled')" <<'M'
project('libsrtp2', 'c')
_srtp = dependency('libsrtp2', method: 'pkg-config', allow_fallback: false)
libsrtp2_dep = declare_dependency(dependencies: _srtp,
  compile_args: ['-I' + _srtp.get_variable(pkgconfig: 'includedir') + '/srtp2'])
libsrtp2 = []
M

shim usrsctp "option('sctp_build_programs', type: 'boolean', value: false)" <<'M'
project('usrsctp', 'c')
usrsctp_dep = dependency('usrsctp', method: 'pkg-config', allow_fallback: false)
usrsctp = []
M

shim abseil-cpp <<'M'
project('abseil-cpp', 'cpp')
absl_base_dep = dependency('absl_base', method: 'pkg-config', allow_fallback: false)
absl_strings_dep = dependency('absl_strings', method: 'pkg-config', allow_fallback: false)
absl_types_dep = declare_dependency(dependencies: [
  dependency('absl_optional', method: 'pkg-config', allow_fallback: false),
  dependency('absl_variant', method: 'pkg-config', allow_fallback: false),
  dependency('absl_span', method: 'pkg-config', allow_fallback: false),
])
absl_container_dep = declare_dependency(dependencies: [
  dependency('absl_flat_hash_map', method: 'pkg-config', allow_fallback: false),
  dependency('absl_flat_hash_set', method: 'pkg-config', allow_fallback: false),
  dependency('absl_btree', method: 'pkg-config', allow_fallback: false),
  dependency('absl_inlined_vector', method: 'pkg-config', allow_fallback: false),
  dependency('absl_memory', method: 'pkg-config', allow_fallback: false),
])
absl_base_lib = []
absl_strings_lib = []
absl_types_lib = []
absl_container_lib = []
M

# Catch2 is only for mediasoup's own C++ tests, which we do not build.
shim catch2 <<'M'
project('catch2', 'cpp')
catch2_dep = dependency('catch2', method: 'pkg-config', required: false, allow_fallback: false)
catch2_with_main_dep = catch2_dep
M

shim flatbuffers <<'M'
project('flatbuffers', 'cpp')
flatbuffers_dep = dependency('flatbuffers', method: 'pkg-config', allow_fallback: false)
flatbuffers_lib = []
M
