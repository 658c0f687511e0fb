#!/usr/bin/env bash
# Install the Debian packages the tests and the demo use for real, only when
# missing: headless Chromium (browser tests, PDF binders), DejaVu (the site
# bundles its own fonts; DejaVu draws only the symbols they lack), Prometheus
# (SLO checks; promtool checks the metrics and alert rules), node_exporter and
# Alertmanager (the monitoring loop, end to end), poppler-utils (pdftotext,
# pdffonts, pdftohtml: reading printed PDFs back), util-linux's runuser (reading
# the built site as another user), systemd-analyze (verifying the example units),
# npm (installs axe-core for the accessibility tests), monitoring-plugins-basic
# (check_http: what a generated check script must behave like as a Nagios plugin,
# and a peer `make bench` measures the runner beside), prometheus-blackbox-exporter
# and hey (the other peer). The bench starts its own blackbox exporter on a free port.
# The tests start every daemon themselves, on free ports with their own data:
# they never use (or need) the services a package may enable.
# Runs as root in CI; uses sudo when available otherwise.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
command -v prometheus-node-exporter >/dev/null 2>&1 || need+=(prometheus-node-exporter)
command -v prometheus-alertmanager >/dev/null 2>&1 || need+=(prometheus-alertmanager)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v runuser >/dev/null 2>&1 || [ -x /usr/sbin/runuser ] || need+=(util-linux)
command -v npm >/dev/null 2>&1 || need+=(npm)
[ -x /usr/lib/nagios/plugins/check_http ] || need+=(monitoring-plugins-basic)
command -v prometheus-blackbox-exporter >/dev/null 2>&1 || need+=(prometheus-blackbox-exporter)
command -v hey >/dev/null 2>&1 || need+=(hey)
[ ${#need[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo="sudo"
echo "installing ${need[*]} (Debian packages) ..."
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
