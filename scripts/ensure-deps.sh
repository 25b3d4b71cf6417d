#!/usr/bin/env bash
# Installs the system library tenet links (Debian's libz3-dev) when it is missing.
set -euo pipefail
if ! { [ -e /usr/include/z3.h ] && ldconfig -p 2>/dev/null | grep -q libz3; }; then
  echo "tenet: installing libz3-dev (Z3, the SMT solver the prover links)" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libz3-dev >/dev/null
fi
