"""Start-up of the window: time to the first paint, its memory, and whether it holds torch.

Each start runs in a fresh interpreter, as a user's launch does; the first start warms the
disk cache and writes the bytecode cache, and is left out. A bare Qt window started the same
way is the baseline. The starts may write bytecode whatever this shell says
(PYTHONDONTWRITEBYTECODE): a user's Python does, and without it each start compiles the
project's ~90 modules again (~0.2 s here).

    python tests/bench/bench_startup.py [--repeats 3] [--preset circle]

Targets: window_visible_s < 1.0 (warm), window_pss_mb < 250 with a preset open,
torch_in_window false. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The child prints the wall-clock time of the first paint, then (once the training process
# has drawn the preset) its own PSS and whether torch is in its modules.
APP = """
import sys, time, json
from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not hasattr(self, "at"):
            self.at = time.time()
        return False

def pss_mb():
    for line in open("/proc/self/smaps_rollup"):
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024

def main():
    app = QApplication(sys.argv[:1])
    painted = FirstPaint()
    if sys.argv[1] == "bare":
        from PySide6.QtWidgets import QMainWindow
        window = QMainWindow()
    else:
        from playground.core.presets import load_preset
        from playground.gui.document import Document
        from playground.gui.main_window import MainWindow
        window = MainWindow(QSettings(sys.argv[2], QSettings.Format.IniFormat),
                            Document.untitled(load_preset(sys.argv[1])))
    window.installEventFilter(painted)
    window.resize(1400, 860)
    window.show()
    while not hasattr(painted, "at"):
        app.processEvents()
    result = {"painted": painted.at}
    if sys.argv[1] != "bare":
        controller = window.controller
        deadline = time.time() + 120
        while (not controller.previews or controller.previewing) and time.time() < deadline:
            app.processEvents()
            time.sleep(0.005)
        result["pss_mb"] = pss_mb()
        result["torch"] = "torch" in sys.modules
        window.close()
    print(json.dumps(result))

if __name__ == "__main__":
    main()
"""


def start(script: Path, what: str, settings: Path) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    launched = time.time()
    done = subprocess.run([sys.executable, str(script), what, str(settings)], env=env,
                          capture_output=True, text=True, check=True, timeout=300)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["visible_s"] = result["painted"] - launched
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--preset", default="circle")
    args = parser.parse_args()
    scratch = Path(os.environ.get("TMPDIR", "/tmp")) / "bench-startup"
    scratch.mkdir(exist_ok=True)
    script = scratch / "start_app.py"
    script.write_text(APP)
    settings = scratch / "settings.ini"
    start(script, args.preset, settings)  # cold: fills the disk cache
    bare = [start(script, "bare", settings)["visible_s"] for _ in range(args.repeats)]
    runs = [start(script, args.preset, settings) for _ in range(args.repeats)]
    median = statistics.median
    figures = {
        "preset": args.preset,
        "window_visible_s": round(median(r["visible_s"] for r in runs), 3),
        "bare_qt_window_visible_s": round(median(bare), 3),
        "window_pss_mb": round(median(r["pss_mb"] for r in runs), 1),
        "torch_in_window": any(r["torch"] for r in runs),
        "repeats": args.repeats,
    }
    print(f"window visible after {figures['window_visible_s']:.2f} s (a bare Qt window: "
          f"{figures['bare_qt_window_visible_s']:.2f} s); window PSS with {args.preset} open "
          f"{figures['window_pss_mb']:.0f} MB; torch in the window: "
          f"{figures['torch_in_window']}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
