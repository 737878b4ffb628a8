"""Import torchvision even when its compiled operators cannot load, and only when needed.

PyPI's Linux torchvision wheels are built against CUDA builds of torch. Beside a
CPU-only torch (what a laptop or CI without a GPU installs) their compiled library
fails to load, and torchvision 0.28 then dies at import while registering a shape
function for the `torchvision::nms` operator it could not load. ganlab uses only
torchvision's pure-Python parts (datasets, `make_grid`, `save_image`), so when that
happens we declare the two operator schemas torchvision expects. Detection operators
(nms) stay unavailable; nothing in ganlab needs them.

Importing torchvision costs about a second (its model zoo), which a 2-D run never
needs: importing this module (ganlab does, first) only runs `prepare()`, which tries the compiled library (well
under a millisecond) and declares the schemas if it fails, so that a later `import
torchvision`, ours or the user's, succeeds. `torchvision()` imports it on first use.
"""

from __future__ import annotations

import functools
import importlib.util
import warnings
from pathlib import Path
from types import ModuleType

import torch

_OPS_WITH_UNGUARDED_SHAPE_FUNCTIONS = ("nms", "qnms")
_library = None  # kept alive: dropping the Library object would undefine the ops


@functools.cache  # once a process: torchvision() calls it on every use (a grid a poll)
def prepare() -> None:
    """Make `import torchvision` work beside this torch, without importing it."""
    global _library
    spec = importlib.util.find_spec("torchvision")
    if spec is None or not spec.submodule_search_locations:
        return
    compiled = sorted(Path(spec.submodule_search_locations[0]).glob("_C*.so"))
    try:
        if compiled:
            torch.ops.load_library(str(compiled[0]))  # what torchvision itself does first
            return
    except OSError:
        pass  # built for another torch: torchvision would warn, then fail on nms
    _library = torch.library.Library("torchvision", "DEF")
    for op in _OPS_WITH_UNGUARDED_SHAPE_FUNCTIONS:
        _library.define(f"{op}(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")


def torchvision() -> ModuleType:
    """The torchvision module, imported on first use (quietly about its extension)."""
    prepare()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*(image|video) Python extension.*")
        warnings.filterwarnings("ignore", message=".*torchvision.*extension.*")
        import torchvision

    return torchvision


prepare()
