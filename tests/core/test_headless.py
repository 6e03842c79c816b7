"""The core must run with no Qt at all: import every core module with PySide6 blocked."""

import pkgutil
import subprocess
import sys

import playground.core

BLOCKER = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'shiboken6', 'pyqtgraph'):
            raise ImportError('Qt is blocked in this test: ' + name)
sys.meta_path.insert(0, Block())
import importlib
for name in sys.argv[1:]:
    importlib.import_module(name)
loaded = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph')]
assert not loaded, loaded
print('ok', len(sys.argv) - 1)
"""


def core_modules() -> list[str]:
    return [m.name for m in pkgutil.walk_packages(playground.core.__path__, "playground.core.")]


def test_every_core_module_imports_without_qt():
    modules = core_modules()
    assert "playground.core.training.engine" in modules
    result = subprocess.run([sys.executable, "-c", BLOCKER, *modules, "playground.cli"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"ok {len(modules) + 1}"
