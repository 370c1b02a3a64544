#!/usr/bin/env bash
# Check (and on Debian as root, install) the system packages mi-courseware needs:
#   WeasyPrint's Pango libraries, poppler-utils (the tests read PDFs with pdftotext/pdfinfo), qpdf,
#   LibreOffice Impress (the tests open decks as a client would), PostgreSQL (the register tests
#   run against a throw-away cluster) and Chromium (the verification site is tested in it).
#   `scripts/system-deps.sh bench` also wants pandoc, the peer tool the slide benchmark times.
set -euo pipefail

need=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 shared-mime-info poppler-utils qpdf libreoffice-impress
      postgresql chromium)
[ "${1:-}" = "bench" ] && need+=(pandoc)

missing=()
for pkg in "${need[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

# another install running (unattended upgrades, a second terminal) holds dpkg's lock: wait
# for it, up to ten minutes, instead of failing at once
wait_for_lock=(-o DPkg::Lock::Timeout=600)

if ! command -v apt-get >/dev/null 2>&1; then
    echo "mi-courseware needs: ${missing[*]} (Pango, poppler-utils, LibreOffice Impress, PostgreSQL, Chromium); install them with your package manager" >&2
    exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "mi-courseware needs these system packages; install them with:" >&2
    echo "  sudo apt-get ${wait_for_lock[*]} update && sudo apt-get ${wait_for_lock[*]} install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get "${wait_for_lock[@]}" update -qq
apt-get "${wait_for_lock[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
