#!/usr/bin/env bash
# Build the stand-alone app: a one-folder bundle dist/playground/ whose executable
# dist/playground/playground opens the window or, with a command, runs the command line.
#
#   packaging/build.sh                 (from anywhere; needs Python 3.11 and about 3 GB free)
#
# PYTHON picks the interpreter (default python3.11). TORCH_INDEX, if set, is the package index
# torch comes from: where PyPI's torch==2.13.0 is the CUDA build (Linux x86-64), use
# TORCH_INDEX=https://download.pytorch.org/whl/cpu to bundle the CPU build.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3.11}"
VENV="$ROOT/build/venv"
cd "$ROOT"

if [ ! -x "$VENV/bin/python" ]; then
    echo "Creating the build environment $VENV"
    "$PYTHON" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip install --quiet --disable-pip-version-check)
# torch first, from its index if given: the project's own requirement accepts this version.
"${PIP[@]}" ${TORCH_INDEX:+--index-url "$TORCH_INDEX"} torch==2.13.0
if [ "$("$VENV/bin/python" -c 'import torch; print(torch.version.cuda is None)')" != True ]; then
    echo "error: this torch is a CUDA build and would add gigabytes of CUDA libraries;" \
         "rerun with TORCH_INDEX=https://download.pytorch.org/whl/cpu" >&2
    exit 2
fi
# the export extra (ONNX) too, so that every File → Export format works in the app
"${PIP[@]}" "$ROOT[export]" "pyinstaller>=6.11,<7"

"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller" "$ROOT/packaging/playground.spec"

echo "Built dist/playground: $(du -sh "$ROOT/dist/playground" | cut -f1)"
echo "Largest parts:"
du -sh "$ROOT"/dist/playground/_internal/* | sort -rh | head -n 8
echo "Start it with dist/playground/playground; add it to the menu with packaging/install-desktop.sh"
