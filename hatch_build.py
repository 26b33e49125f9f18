"""The wheel's optional compiled build: ``SEGDSL_COMPILE=1 pip install .``

By default segdsl is pure Python (``pip install segdsl`` needs no compiler). With
``SEGDSL_COMPILE=1`` the modules of the live evaluator (``segdsl stream`` / ``serve``
and :class:`segdsl.tools.live.LiveEvaluator`: the code that runs once per event) are
compiled to C extensions with mypyc — the compiler mypy ships, used by black and mypy
themselves — from the same typed sources; everything else stays Python. The build
needs a C compiler and Python's headers; mypy and setuptools are fetched as build
requirements. The extensions sit next to their ``.py`` files, which Python imports
first. The modules are listed in pyproject.toml (``compiled`` in this hook's table).
docs/live.md ("Speed") has the figures; benchmarks/live_builds.py measures both builds
side by side.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

# the name of the shared library of the compiled group (at the top of site-packages)
GROUP = "segdsl_live"


def wanted() -> bool:
    return os.environ.get("SEGDSL_COMPILE", "") not in ("", "0")


class CompiledLive(BuildHookInterface):  # type: ignore[type-arg]
    def dependencies(self) -> list[str]:
        if not wanted():
            return []
        # mypyc type-checks the sources: the packages they import are needed too
        return ["mypy>=1.10", "setuptools>=65", *self.metadata.core.dependencies]

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "editable" or not wanted():
            return
        from mypyc.build import mypycify
        from setuptools import Distribution

        root = Path(self.root)
        out = self._out = Path(tempfile.mkdtemp(prefix="segdsl-mypyc-"))
        here = os.getcwd()
        os.chdir(root / "src")  # module names from paths: src/ is the top
        try:
            extensions = mypycify(
                # the engines' optional packages are not in the build environment
                [
                    "--ignore-missing-imports",
                    f"--cache-dir={out / 'mypy-cache'}",  # not in the checkout
                    *(f"segdsl/tools/live/{name}.py" for name in self.config["compiled"]),
                ],
                opt_level="3",
                group_name=GROUP,
                target_dir=str(out / "c"),
            )
            dist = Distribution({"name": "segdsl", "ext_modules": extensions})
            cmd = dist.get_command_obj("build_ext")
            cmd.build_lib = str(out / "lib")  # type: ignore[attr-defined]
            cmd.build_temp = str(out / "tmp")  # type: ignore[attr-defined]
            cmd.ensure_finalized()
            cmd.run()
        except (Exception, SystemExit) as exc:  # a compiler missing, headers missing…
            shutil.rmtree(out, ignore_errors=True)
            sys.exit(
                f"SEGDSL_COMPILE=1: compiling the live evaluator failed ({exc}).\n"
                "It needs a C compiler and Python's headers (on Debian: apt-get install "
                "gcc python3-dev); without SEGDSL_COMPILE segdsl installs as pure Python."
            )
        finally:
            os.chdir(here)
        built = sorted((out / "lib").rglob("*.so")) + sorted((out / "lib").rglob("*.pyd"))
        if not built:
            sys.exit("SEGDSL_COMPILE=1: mypyc built no extension")
        for path in built:
            build_data["force_include"][str(path)] = path.relative_to(out / "lib").as_posix()
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        out = getattr(self, "_out", None)
        if out is not None:  # the wheel is written: the C sources and objects can go
            shutil.rmtree(out, ignore_errors=True)
