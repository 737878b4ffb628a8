"""Import torchvision even when its compiled operators cannot load.

PyPI's Linux torchvision wheels are built against CUDA builds of torch. Beside a
CPU-only torch (what a laptop or CI without a GPU installs) their compiled library
fails to load, and torchvision 0.28 then dies at import while registering a shape
function for the `torchvision::nms` operator it could not load. ganlab uses only
torchvision's pure-Python parts (datasets, `make_grid`), so when that happens we
declare the two operator schemas torchvision expects and import it again. Detection
operators (nms) stay unavailable; nothing in ganlab needs them.
"""

from __future__ import annotations

import sys
import warnings

import torch

_OPS_WITH_UNGUARDED_SHAPE_FUNCTIONS = ("nms", "qnms")
_library = None  # kept alive: dropping the Library object would undefine the ops


def _forget_partial_import() -> None:
    for name in [m for m in sys.modules if m == "torchvision" or m.startswith("torchvision.")]:
        del sys.modules[name]


def import_torchvision():
    global _library
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*(image|video) Python extension.*")
        warnings.filterwarnings("ignore", message=".*torchvision.*extension.*")
        try:
            import torchvision
        except RuntimeError as e:
            if "torchvision::" not in str(e):
                raise
            _forget_partial_import()
            _library = torch.library.Library("torchvision", "DEF")
            for op in _OPS_WITH_UNGUARDED_SHAPE_FUNCTIONS:
                _library.define(f"{op}(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
            import torchvision
    return torchvision


torchvision = import_torchvision()
