"""ganlab: a teaching kit for Generative Adversarial Networks.

    from ganlab import Trainer, preset
    trainer = Trainer(preset("ring8"))
    trainer.run()                     # ~2500 steps, seconds on a laptop CPU
    print(trainer.evaluate())         # {'modes_covered': 8, 'high_quality': 0.9..., ...}

The modules, one concept each: checks (the validation vocabulary), config, data,
models (+ article), losses, dirac (the two-parameter game), latent, augment, train (the
algorithm; runtime and recording beside it), checkpoint, metrics, viz (plotly figures),
cli, dashboard (Streamlit).
"""

# First: lets torchvision import beside a CPU-only torch, without importing it (see there).
import ganlab._torchvision  # noqa: F401, I001

from ganlab import data, latent, losses, metrics, models
from ganlab.config import Config, DataConfig, ModelConfig, TrainConfig, preset
from ganlab.data import Dataset, DatasetNotFoundError
from ganlab.train import Trainer, TrainingDiverged

__version__ = "0.1.0"

__all__ = [
    "Config",
    "DataConfig",
    "ModelConfig",
    "TrainConfig",
    "preset",
    "Dataset",
    "DatasetNotFoundError",
    "Trainer",
    "TrainingDiverged",
    "data",
    "latent",
    "losses",
    "metrics",
    "models",
]
