"""The command line: `python -m ganlab train | sample | eval` (each takes --help).

    python -m ganlab train --preset ring8 --steps 2000        # writes runs/ring8/
    python -m ganlab train --preset ring8 --steps 4000 --resume
    python -m ganlab sample --ckpt runs/ring8/checkpoint.pt --n 500 --out ring8.png
    python -m ganlab eval --ckpt runs/ring8/checkpoint.pt

A run folder holds config.json, metrics.jsonl (one JSON record per log step, appended
as training goes), samples/step_XXXXXX.png (the fixed noise, at each evaluation),
checkpoint.pt and summary.json. The loop itself lives in ganlab.train: this module
builds the config, listens to the Trainer's records and writes files. Expected
failures (a bad value, a missing checkpoint or dataset, a diverged run) end with one
line `ganlab: error: ...` and exit status 2.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw
from tqdm import tqdm

from ganlab import distributed, metrics
from ganlab._torchvision import torchvision
from ganlab.checkpoint import CheckpointError
from ganlab.config import DATASETS, DEVICES, IMAGE_DATASETS, LOSSES, PRESETS, Config, preset
from ganlab.data import DatasetNotFoundError
from ganlab.train import N_EVAL_SAMPLES, Trainer, TrainingDiverged

EXPECTED_ERRORS = (ValueError, CheckpointError, DatasetNotFoundError, TrainingDiverged)
# Options that override one config field when given (None keeps the preset's value).
DATA_OPTIONS = {"dataset": "name", "data_root": "root"}
TRAIN_OPTIONS = ("loss", "steps", "batch_size", "seed", "device", "lr_g", "lr_d")
TRAIN_OPTIONS += ("log_every", "eval_every", "ckpt_every", "stop_at_bar")
# The preset a --dataset starts from without --preset: its own, else one of its kind.
DATASET_PRESETS = {"digits": "digits", "mnist": "mnist", "fashion_mnist": "mnist"}
DATASET_PRESETS |= {"cifar10": "cifar10", "folder": "folder64"}  # 2-D sets: ring8
HEADLINE = ("modes_covered", "high_quality", "fd", "classes_covered", "mmd")  # in the bar


# ---------------------------------------------------------------- config
def preset_name(args: argparse.Namespace) -> str:
    if args.preset or args.dataset is None:
        return args.preset or "ring8"
    return DATASET_PRESETS.get(args.dataset, "ring8")


def build_config(args: argparse.Namespace) -> Config:
    """The preset with every given option applied; checked by Config on the way."""
    cfg = preset(preset_name(args))
    parts: dict[str, dict] = {"data": {}, "model": {}, "train": {}}
    for option, name in [*DATA_OPTIONS.items(), *zip(TRAIN_OPTIONS, TRAIN_OPTIONS)]:
        if getattr(args, option) is not None:
            parts["data" if option in DATA_OPTIONS else "train"][name] = getattr(args, option)
    if args.dataset is not None and (args.dataset in IMAGE_DATASETS) != cfg.data.is_image:
        parts["model"]["arch"] = "auto"  # --preset's mlp cannot draw images, nor dcgan points
    if args.download:
        parts["data"]["download"] = True
    if args.conditional:
        parts["model"]["conditional"] = True
    return cfg.replace(**parts)


FLAG_FIELDS = {"dataset": ("data", "name"), "data_root": ("data", "root")}
FLAG_FIELDS |= {"download": ("data", "download"), "conditional": ("model", "conditional")}
FLAG_FIELDS |= {o: ("train", o) for o in TRAIN_OPTIONS if o not in ("steps", "device")}


def resume_conflicts(args: argparse.Namespace, saved: Config) -> list[str]:
    """The flags whose values differ from the checkpoint's config, each with both values.

    Re-running the command a run was started with, plus --resume, gives none: --preset
    compares the whole config it builds, other flags only their own field. --steps (the
    new total) and --device may always change.
    """
    given = [o for o in FLAG_FIELDS if getattr(args, o) is not None]
    if args.preset is None and not given:
        return []
    wanted, have = build_config(args).to_dict(), saved.to_dict()
    fields = [FLAG_FIELDS[o] for o in given]
    if args.preset is not None:
        fields = [(part, name) for part in have for name in have[part]]
    return [
        f"{part}.{name} = {have[part][name]!r} in the checkpoint, {wanted[part][name]!r} given"
        for part, name in fields
        if (part, name) not in (("train", "steps"), ("train", "device"))
        and wanted[part][name] != have[part][name]
    ]


def resume_trainer(args: argparse.Namespace, ckpt: Path) -> Trainer:
    """The checkpoint's Trainer, its config unchanged except the total steps (and device)."""
    trainer = Trainer.load(ckpt, device=args.device)
    conflicts = resume_conflicts(args, trainer.config)
    if conflicts:
        raise ValueError(
            f"--resume continues the checkpoint's config, and {'; '.join(conflicts)}: "
            "drop those flags, or start a new run with another --out"
        )
    total = args.steps or trainer.config.train.steps
    if total < trainer.step_count:
        raise ValueError(f"--steps {total} is below the checkpoint's step {trainer.step_count}")
    trainer.config = trainer.config.replace(train={"steps": total})
    return trainer


# ---------------------------------------------------------------- pictures
def scatter_png(points: torch.Tensor, path: Path, real: torch.Tensor, size: int = 256) -> None:
    """Fake points (N, 2) in blue over real ones (M, 2) in grey, as a PNG; no matplotlib."""
    half = 1.1 * real.abs().max().item()  # the window follows the data, so frames compare
    img = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(img)
    for pts, colour in ((real[:2000], (190, 190, 190)), (points, (31, 119, 180))):
        pix = (pts / half + 1) / 2 * (size - 1)
        for x, y in pix.tolist():
            y = size - 1 - y  # image rows grow downwards, the y axis upwards
            draw.ellipse((x - 1.5, y - 1.5, x + 1.5, y + 1.5), fill=colour)
    img.save(path)


def save_picture(trainer: Trainer, x: torch.Tensor, path: Path) -> None:
    """Images (N, C, H, W) in [-1, 1] as one grid, or points (N, 2) as a scatter."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if x.ndim == 4:
        nrow = math.ceil(math.sqrt(len(x)))
        torchvision().utils.save_image(x, path, nrow=nrow, normalize=True, value_range=(-1, 1))
    else:
        scatter_png(x, path, trainer.data.x.cpu())


# ---------------------------------------------------------------- train
class RunFolder:
    """Writes a run folder as the Trainer's records arrive (a subscriber)."""

    def __init__(self, trainer: Trainer, out: Path):
        self.trainer, self.out = trainer, out
        (out / "samples").mkdir(parents=True, exist_ok=True)
        cfg = trainer.config.train
        self.sample_every = cfg.eval_every or 10 * cfg.log_every  # with each evaluation
        (out / "config.json").write_text(json.dumps(trainer.config.to_dict(), indent=2) + "\n")
        # Rewritten from the trainer's history: a resumed run continues from its
        # checkpoint, dropping records logged after it (a crash between checkpoints).
        self.log = open(out / "metrics.jsonl", "w")  # noqa: SIM115 (closed by close())
        for record in trainer.history:
            self.log.write(json.dumps(record) + "\n")

    def __call__(self, record: dict) -> None:
        self.log.write(json.dumps(record) + "\n")
        self.log.flush()  # readable while training runs (tail -f, a notebook)
        if record["step"] % self.sample_every == 0:
            self.save_samples()

    def save_samples(self) -> None:
        t = self.trainer
        x = t.sample(t.fixed_z, t.fixed_labels)  # the same noise every time: frames compare
        save_picture(t, x, self.out / "samples" / f"step_{t.step_count:06d}.png")

    def close(self) -> None:
        self.log.close()


def show(bar: tqdm, postfix: dict, record: dict) -> None:
    """Move the bar to the record's step; show the losses and the last metric values,
    each with the step it was measured at (`modes_covered=5 @250`): metrics are rarer."""
    postfix.update(d_loss=f"{record['d_loss']:.3f}", g_loss=f"{record['g_loss']:.3f}")
    postfix.update({k: f"{record[k]:.3g} @{record['step']}" for k in HEADLINE if k in record})
    bar.set_postfix(postfix, refresh=False)
    bar.update(record["step"] - bar.n)


def stopped_early(trainer: Trainer) -> str:
    """The line that says a run ended at its quality bar, not at its last step."""
    bar = metrics.QUALITY_BARS[metrics.quality_bar(trainer.history[-1])][0]
    return (
        f"stopped early at step {trainer.bar_met_at} of {trainer.config.train.steps}: "
        f"the quality bar ({bar}) is met, also on {metrics.BAR_CHECK_SAMPLES:,} fresh "
        "samples (train.stop_at_bar; --no-stop-at-bar trains on)"
    )


def choose_threads(config: Config) -> int:
    """torch threads for this run: the machine's cores for image nets, one for 2-D MLPs.

    A second thread speeds a DCGAN step up on 2 cores (1.35x at 16 px, measured) but not
    the ring8 MLP (1.05x), and on a busy machine a thread that waits for its partner spins
    and slows small steps down several times. OMP_NUM_THREADS, when set, decides instead.
    """
    if "OMP_NUM_THREADS" not in os.environ:
        torch.set_num_threads((os.cpu_count() or 1) if config.data.is_image else 1)
    return torch.get_num_threads()


def cmd_train(args: argparse.Namespace) -> int:
    out = Path(args.out or f"runs/{preset_name(args)}")
    ckpt = out / "checkpoint.pt"
    distributed.init_from_env()  # under torchrun: join the other processes
    trainer = resume_trainer(args, ckpt) if args.resume else Trainer(build_config(args))
    choose_threads(trainer.config)
    cfg, start, started = trainer.config.train, trainer.step_count, time.perf_counter()
    if not trainer.group.is_main:  # the other processes train; rank 0 writes the run folder
        trainer.run(cfg.steps - trainer.step_count)  # ends at the bar, with rank 0's verdict
        return distributed.finish(trainer)
    run, postfix = RunFolder(trainer, out), {}
    with contextlib.ExitStack() as stack:
        stack.callback(run.close)
        bar = stack.enter_context(tqdm(total=cfg.steps, initial=start, unit="step"))
        stack.callback(trainer.subscribe(run))
        stack.callback(trainer.subscribe(lambda record: show(bar, postfix, record)))
        while trainer.step_count < cfg.steps and trainer.bar_met_at is None:
            # to the next multiple of ckpt_every (or the end), then a checkpoint
            every = cfg.ckpt_every or cfg.steps
            stop = min(cfg.steps, (trainer.step_count // every + 1) * every)
            trainer.run(stop - trainer.step_count)
            trainer.save(ckpt)
        if trainer.bar_met_at is None:
            bar.update(cfg.steps - bar.n)
    seconds = time.perf_counter() - started
    if trainer.bar_met_at is not None:
        print(stopped_early(trainer))
    run.save_samples()
    summary = {
        "steps": trainer.step_count,
        "seconds": round(seconds, 3),
        "steps_per_sec": (trainer.step_count - start) / max(seconds, 1e-9),
        "stopped_at_bar": trainer.bar_met_at is not None,
        "device": str(trainer.device),
        **(trainer.final_metrics() if cfg.eval_every else {}),  # eval_every = 0: never
    }
    if trainer.bar_met_at is not None:  # the fresh samples that confirmed the bar
        summary["bar_check"] = {"samples": metrics.BAR_CHECK_SAMPLES, **trainer.bar_check}
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary))
    return distributed.finish(trainer)


# ---------------------------------------------------------------- sample, eval
def label_tensor(trainer: Trainer, label: int | None) -> torch.Tensor | None:
    """--label K as a tensor, checked against the model."""
    if label is None:
        return None
    if not trainer.config.model.conditional:
        raise ValueError(f"--label {label} needs a conditional model (train with --conditional)")
    if not 0 <= label < trainer.data.n_classes:
        raise ValueError(f"--label {label} is not allowed: choose 0..{trainer.data.n_classes - 1}")
    return torch.tensor(label)


def cmd_sample(args: argparse.Namespace) -> int:
    trainer = Trainer.load(args.ckpt, device=args.device)
    x = trainer.sample(args.n, label_tensor(trainer, args.label), seed=args.seed)
    out = Path(args.out)
    if out.suffix == ".npy":  # raw samples in data units: (N, 2) or (N, C, H, W) in [-1, 1]
        out.parent.mkdir(parents=True, exist_ok=True)
        np.save(out, x.numpy())
    else:
        save_picture(trainer, x, out)
    print(out)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    trainer = Trainer.load(args.ckpt, device=args.device)
    print(json.dumps(metrics.evaluate(trainer.data, trainer.sample(args.n, seed=args.seed))))
    return 0


# ---------------------------------------------------------------- parsing
class Parser(argparse.ArgumentParser):
    """argparse whose usage errors are one line, like every other ganlab error."""

    def error(self, message: str):
        self.exit(2, f"ganlab: error: {message} (see `{self.prog} --help`)\n")


def positive_int(text: str) -> int:
    if not text.isdigit() or int(text) == 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive integer")
    return int(text)


def picture_or_array(text: str) -> str:
    if Path(text).suffix not in (".png", ".npy"):
        raise argparse.ArgumentTypeError(f"{text!r} must end in .png or .npy")
    return text


def add_train(commands) -> None:
    p = commands.add_parser(
        "train",
        help="train a GAN, writing a run folder",
        description="Train a GAN. OUT gets config.json, metrics.jsonl, samples/*.png, "
        "checkpoint.pt and summary.json.",
    )
    p.add_argument("--preset", choices=PRESETS, help="start config (default: by --dataset)")
    p.add_argument("--dataset", choices=DATASETS, help="data set (default: the preset's)")
    p.add_argument("--data-root", help="folder of downloaded sets / of your images")
    flag = {"action": "store_true", "default": None}  # None: not given (see resume_conflicts)
    p.add_argument("--download", **flag, help="fetch a torchvision set when missing")
    p.add_argument("--conditional", **flag, help="condition G and D on class labels")
    p.add_argument("--loss", choices=LOSSES)
    p.add_argument("--steps", type=int, help="total generator updates")
    p.add_argument("--batch-size", type=int)
    p.add_argument("--lr-g", type=float, help="generator learning rate")
    p.add_argument("--lr-d", type=float, help="discriminator learning rate")
    p.add_argument("--seed", type=int)
    p.add_argument("--device", choices=DEVICES)
    p.add_argument("--log-every", type=int, help="steps between metrics.jsonl records")
    p.add_argument("--eval-every", type=int, help="steps between metrics and sample grids")
    p.add_argument("--ckpt-every", type=int, help="steps between checkpoints (0: at the end)")
    p.add_argument(
        "--stop-at-bar",
        action=argparse.BooleanOptionalAction,
        help="end at the first evaluation that meets the data's quality bar (ring8 and "
        "digits presets: on)",
    )
    p.add_argument("--out", help="run folder (default: runs/<preset>)")
    p.add_argument("--resume", action="store_true", help="continue OUT/checkpoint.pt to --steps")
    p.set_defaults(command=cmd_train)


def add_loading(commands, name: str, help: str, command, n: int) -> argparse.ArgumentParser:
    p = commands.add_parser(name, help=help)
    p.add_argument("--ckpt", required=True, help="a checkpoint.pt written by `train`")
    p.add_argument("--n", type=positive_int, default=n, help=f"samples (default: {n})")
    p.add_argument("--seed", type=int, default=0, help="seed of the noise (default: 0)")
    p.add_argument("--device", choices=DEVICES, default="cpu")
    p.set_defaults(command=command)
    return p


def build_parser() -> Parser:
    parser = Parser(prog="ganlab", description="Train, sample and evaluate small GANs.")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")
    add_train(commands)
    p = add_loading(commands, "sample", "draw samples: a .png grid or a .npy array", cmd_sample, 64)
    p.add_argument("--out", required=True, type=picture_or_array, help="FILE.png or FILE.npy")
    p.add_argument("--label", type=int, help="class of every sample (conditional models)")
    add_loading(commands, "eval", "print the data set's metrics as JSON", cmd_eval, N_EVAL_SAMPLES)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; expected failures become one stderr line and exit status 2."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as e:  # --help (0) or a usage error (2), already printed
        return int(e.code or 0)
    try:
        return args.command(args)
    except EXPECTED_ERRORS as e:
        print(f"ganlab: error: {' '.join(str(e).split())}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ganlab: interrupted", file=sys.stderr)
        return 130
