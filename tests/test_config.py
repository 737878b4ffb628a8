"""Config: every bad value is caught when the config is built, with a clear message."""

import json

import pytest

from ganlab.config import (
    DATASETS,
    LOSSES,
    PRESETS,
    PROBABILITY_LOSSES,
    Config,
    DataConfig,
    ModelConfig,
    TrainConfig,
    preset,
)

ARTICLE = PRESETS["article"]


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: DataConfig(name="imagenet"), ["data.name", "'imagenet'", "'ring8'", "'digits'"]),
        (lambda: DataConfig(image_size=28), ["data.image_size", "28", "16", "32", "64"]),
        (lambda: DataConfig(n_samples=0), ["data.n_samples", "positive"]),
        (lambda: DataConfig(channels=2), ["data.channels", "2"]),
        (lambda: ModelConfig(arch="resnet"), ["model.arch", "'resnet'", "'dcgan'"]),
        (lambda: ModelConfig(z_dim=-3), ["model.z_dim", "-3", "positive"]),
        (lambda: ModelConfig(dropout=1.5), ["model.dropout", "1.5"]),
        (lambda: TrainConfig(loss="bce"), ["train.loss", "'bce'", "'non_saturating'", "'hinge'"]),
        (lambda: TrainConfig(lr_g=-1e-4), ["train.lr_g", "-0.0001", "positive"]),
        (lambda: TrainConfig(lr_d=0), ["train.lr_d", "positive"]),
        (lambda: TrainConfig(lr_d=float("nan")), ["train.lr_d", "nan"]),
        (lambda: TrainConfig(batch_size=0), ["train.batch_size", "positive"]),
        (lambda: TrainConfig(steps=-5), ["train.steps", "-5"]),
        (lambda: TrainConfig(betas=(0.5, 1.2)), ["train.betas", "[0, 1)"]),
        (lambda: TrainConfig(device="tpu"), ["train.device", "'tpu'", "'cuda'"]),
        (lambda: TrainConfig(augment=("rotate",)), ["augment", "'rotate'", "'cutout'"]),
        (lambda: TrainConfig(gp_weight=-10), ["train.gp_weight", "-10"]),
        (lambda: TrainConfig(label_smoothing=0.7), ["train.label_smoothing", "0.7"]),
        # issue 12, bug 6: integer fields took floats, and failed later inside `range`
        (lambda: TrainConfig(steps=2.5), ["train.steps", "2.5", "positive integer"]),
        (lambda: TrainConfig(n_critic=2.0), ["train.n_critic", "2.0", "integer"]),
        (lambda: TrainConfig(eval_every=0.5), ["train.eval_every", "0.5", "integer"]),
        (lambda: TrainConfig(seed=1.5), ["train.seed", "1.5", "integer"]),
        (lambda: TrainConfig(log_every=True), ["train.log_every", "True", "integer"]),
        (lambda: ModelConfig(hidden=64.0), ["model.hidden", "64.0", "integer"]),
        (lambda: DataConfig(n_samples=1e4), ["data.n_samples", "10000.0", "integer"]),
    ],
)
def test_bad_values_raise_a_clear_value_error(make, words):
    with pytest.raises(ValueError) as info:
        make()
    for word in words:
        assert word in str(info.value)


@pytest.mark.parametrize(
    ("parts", "words"),
    [
        ({"data": {"name": "digits"}, "model": {"arch": "mlp"}}, ["model.arch", "image set"]),
        ({"data": {"name": "ring8"}, "model": {"arch": "dcgan"}}, ["model.arch", "2-D"]),
        (
            {
                "data": {"name": "digits", "image_size": 32},
                "model": {"arch": "article", "z_dim": 100},
            },
            ["64", "channels=3"],
        ),
        ({"data": {"name": "ring8"}, "train": {"augment": ("flip",)}}, ["train.augment", "image"]),
        ({"data": {"name": "digits"}, "train": {"gp_weight": 10.0}}, ["d_batch_norm"]),
        ({"train": {"loss": "hinge", "label_smoothing": 0.1}}, ["label_smoothing", "minimax"]),
        # issue 12, bug 6: options the article's nets do not have were accepted
        (ARTICLE | {"model": {**ARTICLE["model"], "conditional": True}}, ["model.conditional"]),
        (ARTICLE | {"model": {**ARTICLE["model"], "spectral_norm": True}}, ["spectral_norm"]),
        (ARTICLE | {"model": {**ARTICLE["model"], "dropout": 0.3}}, ["model.dropout", "0.3"]),
    ],
)
def test_fields_that_do_not_fit_together_are_caught(parts, words):
    with pytest.raises(ValueError) as info:
        Config.from_dict(parts)
    for word in words:
        assert word in str(info.value)


def test_unknown_field_names_the_known_ones():
    with pytest.raises(ValueError, match="train field = 'learning_rate'.*lr_g"):
        Config.from_dict({"train": {"learning_rate": 0.1}})


def test_every_preset_builds_and_round_trips_through_json():
    for name in PRESETS:
        cfg = preset(name)
        again = Config.from_dict(json.loads(json.dumps(cfg.to_dict())))
        assert again == cfg, name


def test_preset_overrides_are_validated_too():
    cfg = preset("digits", train={"steps": 7})
    assert cfg.train.steps == 7 and cfg.data.name == "digits"
    with pytest.raises(ValueError, match="train.steps"):
        preset("digits", train={"steps": 0})
    with pytest.raises(ValueError, match="preset = 'nope'"):
        preset("nope")


def test_auto_arch_follows_the_data():
    assert Config().resolved_arch == "mlp"
    assert preset("digits").replace(model={"arch": "auto"}).resolved_arch == "dcgan"


def test_name_lists_agree_with_the_package():
    from ganlab import data, losses

    assert set(losses.LOSSES) == set(LOSSES)
    # which losses read D's output as a probability is the loss table's fact
    assert {n for n, loss in losses.LOSSES.items() if loss.probability} == set(PROBABILITY_LOSSES)
    assert set(data.DATASETS) == set(DATASETS)


def test_stop_at_bar_needs_evaluations_and_a_data_set_with_a_bar():
    with pytest.raises(ValueError, match=r"train.stop_at_bar = True .*eval_every > 0"):
        preset("ring8", train={"stop_at_bar": True, "eval_every": 0})
    # no evaluations asked for: the preset's stop at the bar goes with them
    assert preset("ring8").train.stop_at_bar
    assert not preset("ring8", train={"eval_every": 0}).train.stop_at_bar
    with pytest.raises(ValueError, match=r"train.stop_at_bar = True .*'mnist' has no quality bar"):
        preset("mnist", train={"stop_at_bar": True, "eval_every": 100})
    assert preset("digits", train={"stop_at_bar": True}).train.stop_at_bar


DRAWING = {"name": "drawn", "modes": [[-1.0, 0.0], [1.0, 0.5], [0.0, 1.5]], "title": "tri"}


def test_a_drawing_round_trips_through_json_and_a_checkpoint(tmp_path):
    from ganlab.train import Trainer

    cfg = preset("ring8", data={**DRAWING, "n_samples": 256}, train={"batch_size": 32})
    assert cfg.data.modes == ((-1.0, 0.0), (1.0, 0.5), (0.0, 1.5))
    assert Config.from_dict(json.loads(json.dumps(cfg.to_dict()))) == cfg
    trainer = Trainer(cfg)
    trainer.run(2)
    trainer.save(tmp_path / "run.pt")
    again = Trainer.load(tmp_path / "run.pt")
    assert again.config == cfg and again.data.centres.tolist() == [list(m) for m in cfg.data.modes]


@pytest.mark.parametrize(
    ("modes", "words"),
    [
        ([], ["data.modes = 0 points", "too few", "at least 2"]),
        ([[0.3, 0.3]], ["data.modes = 1 point ", "too few"]),
        ([[0, 0], [0.1, 0.0], [0.0, 0.2]], ["3 points within 0.22", "all in one spot"]),
        ([[0, "a"]], ["data.modes", "(x, y) pairs of numbers"]),
        ([[0, float("inf")], [1, 1]], ["data.modes", "finite"]),
    ],
)
def test_a_bad_drawing_is_refused_with_a_message_saying_why(modes, words):
    with pytest.raises(ValueError) as err:
        DataConfig(**{**DRAWING, "modes": modes})
    for word in words:
        assert word in str(err.value)


def test_modes_belong_to_drawings_only_and_blob_sizes_are_checked():
    with pytest.raises(ValueError, match="modes are for data.name = 'drawn'"):
        DataConfig(name="ring8", modes=((0, 0), (1, 1)))
    with pytest.raises(ValueError, match="data.mode_std = 0"):
        DataConfig(**DRAWING, mode_std=0)
