#!/usr/bin/env bash
# The system packages the tests use beyond Python's: a sound server and a voice, for the Speak
# tests that record through Qt Multimedia from a virtual microphone (tests/ui/test_speaking.py).
# Installed with apt-get where this runs as root on Debian or Ubuntu (as on CI); elsewhere it
# says what to install, and those tests are skipped without them.
set -u
tools="pulseaudio pactl paplay espeak-ng"
missing=""
for tool in $tools; do
  command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
[ -z "$missing" ] && exit 0
packages="pulseaudio pulseaudio-utils espeak-ng"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends $packages >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 \
         && apt-get install -y -qq --no-install-recommends $packages >/dev/null 2>&1; } \
    || echo "Could not install $packages: the Speak capture tests will be skipped."
else
  echo "Missing:$missing. Install $packages to run the Speak capture tests (skipped without them)."
fi
exit 0
