"""The window process never imports torch: every model runs in the training process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRESETS = ("circle", "digits-cnn", "parity-lstm", "digits-autoencoder", "xor",
           "perceptron-separable")

# Run in a fresh interpreter: other tests' imports must not hide one made by the window.
SCRIPT = textwrap.dedent("""
    import json, sys
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication, QMessageBox

    def main():
        app = QApplication([])
        from playground.core.presets import load_preset
        from playground.gui.document import Document
        from playground.gui.main_window import MainWindow

        def wait(condition, seconds=90):
            from PySide6.QtCore import QDeadlineTimer, QEventLoop
            deadline = QDeadlineTimer(int(seconds * 1000))
            while not condition():
                if deadline.hasExpired():
                    raise SystemExit("timed out")
                app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)

        window = MainWindow(QSettings(sys.argv[1], QSettings.Format.IniFormat),
                            Document.untitled(load_preset("circle")))
        window.ask_unsaved = lambda: QMessageBox.StandardButton.Discard
        window.show()
        controller = window.controller
        for name in json.loads(sys.argv[2]):
            window.set_document(Document.untitled(load_preset(name)))
            wait(lambda: controller.previews and not controller.previewing)
        window.set_document(Document.untitled(load_preset("circle")))
        controller.step("epoch")
        wait(lambda: controller.last_frame.snapshot.epoch >= 1)
        inspector = window.backprop_inspector()
        wait(lambda: inspector.step is not None)
        modules = [m for m in sys.modules if m == "torch" or m.startswith("torch.")]
        window.close()
        print(json.dumps({"torch": modules[:5]}))

    if __name__ == "__main__":
        main()
""")


def test_opening_presets_of_every_kind_and_training_never_imports_torch(tmp_path):
    script = tmp_path / "light.py"
    script.write_text(SCRIPT)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, str(script), str(tmp_path / "settings.ini"),
                           json.dumps(PRESETS)], capture_output=True, text=True, env=env,
                          timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"torch": []}
