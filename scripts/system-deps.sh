#!/usr/bin/env bash
# Install the Debian packages the tests and the demo use for real, only when
# missing: headless Chromium (browser tests, PDF binders), DejaVu (the site
# bundles its own fonts; DejaVu draws only the symbols they lack), Prometheus
# (SLO checks), poppler-utils (pdftotext, pdffonts, pdftohtml: reading printed
# PDFs back), util-linux's runuser (reading the built site as another user),
# npm (installs axe-core for the accessibility tests), monitoring-plugins-basic
# (check_http: what a generated check script must behave like as a Nagios plugin).
# Runs as root in CI; uses sudo when available otherwise.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v runuser >/dev/null 2>&1 || [ -x /usr/sbin/runuser ] || need+=(util-linux)
command -v npm >/dev/null 2>&1 || need+=(npm)
[ -x /usr/lib/nagios/plugins/check_http ] || need+=(monitoring-plugins-basic)
[ ${#need[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
echo "installing ${need[*]} (Debian packages) ..."
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
