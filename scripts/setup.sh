#!/usr/bin/env bash
# Installs the Debian 12 packages metapool needs to build and test, if any are
# missing. Idempotent and silent when everything is present.
#   scripts/setup.sh          build + test dependencies
#   scripts/setup.sh --golden also R + metafor, to regenerate golden files
set -euo pipefail

packages=(cmake ninja-build g++ pkg-config ccache
  libeigen3-dev libboost-math-dev libfccp-dev catch2 libcli11-dev nlohmann-json3-dev libfmt-dev
  clang libclang-rt-14-dev gcovr
  libssl-dev librsvg2-bin fonts-dejavu-core chromium locales)
# libssl-dev: SHA-256 of report inputs (libcrypto); librsvg2-bin: rsvg-convert
# turns the report's SVG plots into PNG/PDF; fonts-dejavu-core: the plots'
# font; chromium: the report's browser test (installed without recommends,
# as everything here: with them it pulls in ~50 desktop packages); locales:
# the de_DE source that determinism_output_test compiles with localedef.
if [[ "${1:-}" == "--golden" ]]; then
  packages+=(r-base-core r-cran-metafor r-cran-metadat r-cran-jsonlite)
fi

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "setup: installing ${missing[*]}" >&2
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
