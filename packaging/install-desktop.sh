#!/usr/bin/env bash
# Add the built app to the desktop's menu for this user: the icon in every size and a
# desktop entry whose Exec is the bundle's executable. Run after packaging/build.sh.
#   packaging/install-desktop.sh [BUNDLE_DIR]     (default: dist/playground)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUNDLE="${1:-$HERE/../dist/playground}"
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
if [ ! -x "$BUNDLE/playground" ]; then
    echo "error: no built app in $BUNDLE; run packaging/build.sh first" >&2
    exit 2
fi
BUNDLE="$(cd "$BUNDLE" && pwd)"
for png in "$HERE"/icons/playground-*.png; do
    size="${png##*-}"; size="${size%.png}"
    install -D -m 644 "$png" "$DATA/icons/hicolor/${size}x${size}/apps/playground.png"
done
install -D -m 644 "$HERE/icons/playground.svg" "$DATA/icons/hicolor/scalable/apps/playground.svg"
mkdir -p "$DATA/applications"
sed "s|^Exec=playground|Exec=\"$BUNDLE/playground\"|" "$HERE/playground.desktop" \
    > "$DATA/applications/playground.desktop"
echo "Installed the menu entry $DATA/applications/playground.desktop for $BUNDLE/playground"
