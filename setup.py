"""Build hook: ship the default themes, the demo project, the coding scales and the file
formats' reference in the wheel.

The repository is itself a courseware project (``content/`` and ``themes/`` at its root).
``mi-courseware init``, the built-in theme search path and the built-in coding scales
(``scales/``) need them after a plain ``pip install .``, so they are copied into
``mi_courseware/data/`` at build time.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).parent


class BuildWithData(build_py):
    """Copy ``themes/``, ``content/`` and ``scales/`` into the built package."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib, "mi_courseware", "data")
        for name in ("themes", "content", "scales"):
            if (ROOT / name).is_dir():
                shutil.copytree(
                    ROOT / name,
                    target / name,
                    dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
                )
        (target / "docs").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / "docs" / "reference.md", target / "docs" / "reference.md")


setup(cmdclass={"build_py": BuildWithData})
