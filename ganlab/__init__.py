"""ganlab: a teaching kit for Generative Adversarial Networks."""

from ganlab._torchvision import torchvision as _torchvision  # noqa: F401  (see its docstring)

__version__ = "0.1.0"
