"""The dashboard in Chinese (ganlab/dashboard/i18n.py, zh.py): every page rendered in 中文
through AppTest, and a scan of everything a user reads for English left untranslated.

The scan collects the texts of every element (labels, help, captions, markdown,
messages, options, metric labels, tables) and the figures' titles, axes, legends, notes
and trace names, removes the names and symbols that stay in Latin letters
(`ALLOWED`, code names, numbers), and fails on any English word left.
"""

import json
import re

import pytest
from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest
from test_app import APP, LATENT, fresh_sessions, wait_for  # noqa: F401 (a fixture)
from test_app_pages import COMPARE, DIRAC
from test_zh_twins import _glossary_avoid, _glossary_terms

from ganlab import config as cfg
from ganlab import latent
from ganlab.dashboard import i18n
from ganlab.dashboard.worker import live_workers
from ganlab.dashboard.zh import ZH

# names, symbols and code that stay in Latin letters (docs/glossary.md: names of people,
# papers, metrics and code)
ALLOWED = {
    *"GAN WGAN WGAN-GP LSGAN Dirac-GAN R1 KL JS MMD FD EMA Adam Wasserstein W1".split(),  # noqa: SIM905
    *"Mescheder Geiger Nowozin torch ganlab PNG RGB log sigmoid softplus".split(),  # noqa: SIM905
    *cfg.DATASETS, *cfg.LOSSES, *cfg.DEVICES, *cfg.PRESETS, *cfg.ARCHS, *latent.METHODS,
    "n_critic", "beta1", "beta2", "betas", "z_dim", "English", "True", "False", "None", "nan", "inf",
}  # fmt: skip
TEXT_FIELDS = {"label", "help", "body", "options", "placeholder", "caption", "delta"}
CODE = re.compile(
    r"`[^`]*`"  # inline code
    r"|<[^>]+>"  # HTML tags in figure text
    r"|:\w+-badge\["  # a markdown badge's colour
    r"|Fréchet"
    r"|\b\w+\.(?:pt|pth|ckpt|png)\b|\b\w+/"  # file and folder names
    r"|\b[a-z]\w*[._]\w+\b"  # identifiers: train.lr_g, mode_std, data.modes, ...
    r"|（[a-z_]+）"  # a code name beside its Chinese name: 损失（loss）
    r"|\b[A-Z]{1,2}\b"  # single symbols: D, G, A, B, z, ...
)
WORD = re.compile(r"[A-Za-z][\w-]*[A-Za-z0-9]")  # two characters or more: ring8, WGAN-GP


def zh_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[i18n.KEY] = i18n.LANGUAGES[1]
    at.run()
    assert not at.exception, at.exception
    return at


def press(at: AppTest, english: str) -> AppTest:
    """Click the button whose English label is `english` (shown in Chinese)."""
    [button] = [b for b in at.button if b.label == ZH[english]]
    assert not button.disabled, f"{english} is disabled"
    button.click().run()
    assert not at.exception, at.exception
    return at


# ----------------------------------------------------------------------------- the scan
def _proto_texts(msg: Message, out: list[str]) -> None:
    for field, value in msg.ListFields():
        values = list(value) if field.is_repeated else [value]
        for v in values:
            if isinstance(v, Message):
                _proto_texts(v, out)
            elif field.name == "spec":  # a plotly chart
                _figure_texts(json.loads(v), out)
            elif field.name in TEXT_FIELDS and isinstance(v, str):
                out.append(v)


def _figure_texts(spec: dict, out: list[str]) -> None:
    layout = spec.get("layout", {})
    for name, part in layout.items():
        if name == "title" or name.startswith(("xaxis", "yaxis", "legend")):
            out.append(part.get("text", "") if name == "title" else _title(part))
    out += [note.get("text", "") for note in layout.get("annotations", [])]
    for trace in spec.get("data", []):
        out.append(trace.get("name", ""))
        for bar in (trace.get("colorbar"), trace.get("marker", {}).get("colorbar")):
            out.append(_title(bar or {}))


def _title(part: dict) -> str:
    title = part.get("title", "")
    return title.get("text", "") if isinstance(title, dict) else title


def _nodes(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def page_texts(at: AppTest) -> list[str]:
    """Every text a user reads on the page (the switch's own bilingual label aside)."""
    out: list[str] = []
    for node in _nodes(at._tree):
        if getattr(node, "proto", None) is not None:
            _proto_texts(node.proto, out)
    for table in at.table:
        frame = table.value
        out += [str(c) for c in frame.columns] + [str(i) for i in frame.index]
    return [s for s in out if s and s not in (i18n.SWITCH_LABEL, *i18n.LANGUAGES)]


def english_left(text: str) -> list[str]:
    """The English words in `text` once names, symbols and code are removed."""
    words = WORD.findall(CODE.sub(" ", text))
    return [w for w in words if w not in ALLOWED]


def untranslated(at: AppTest) -> list[str]:
    return [s for s in page_texts(at) if english_left(s)]


def test_the_scan_finds_english_and_lets_names_and_code_through():
    assert english_left("Press **Start** to train") == ["Press", "Start", "to", "train"]
    assert english_left("损失（non_saturating） · 学习率 G 0.001 · `python -m ganlab train`") == []
    assert english_left("不允许 train.lr_g = 0.0：必须是正数。") == []
    assert english_left("梯度惩罚（WGAN-GP）· R1 · KL(真实‖生成)") == []
    assert english_left("（英文原文）something new") == ["something", "new"]


@pytest.mark.parametrize(
    "page, english",
    [(None, "Draw your own data"), (DIRAC, "vector field"), (DIRAC, "imaginary part")],
    ids=["an expander", "a trace name", "an axis title and a table column"],
)
def test_a_string_left_out_of_the_table_fails_the_scan(monkeypatch, page, english):
    at = zh_app()
    if page:
        at.switch_page(page).run()
    assert untranslated(at) == []
    monkeypatch.delitem(ZH, english)
    at.run()
    assert set(untranslated(at)) == {english}


# ----------------------------------------------------------------------------- the pages
def test_train_page_in_chinese_fresh_and_after_a_slow_motion_step():
    at = zh_app()
    assert [b.label for b in at.button][:5] == ["开始", "暂停", "继续", "单步", "重置"]
    assert at.title[0].value == "训练一个 GAN"
    at.toggle(key="train.slow").set_value(True).run()
    press(at, "Step")
    [worker] = live_workers()
    at.toggle(key="layer.manifold").set_value(True).run()
    at.radio(key="slow.pick").set_value(at.radio(key="slow.pick").options[-1]).run()
    assert any("慢动作 3/3" in m.value for m in at.markdown)
    at.toggle(key="train.slow").set_value(False)
    at.number_input(key="train.n_steps").set_value(30).run()
    press(at, "Step")
    wait_for(lambda: worker.view().state == "paused" and worker.view().step == 31)
    at.run()
    assert {m.label for m in at.metric} >= {"训练步", "JS（网格）"}
    assert untranslated(at) == []


def test_image_data_and_a_diverged_run_in_chinese():
    at = zh_app()
    at.sidebar.selectbox(key="cfg.dataset").set_value("digits").run()
    at.number_input(key="train.n_steps").set_value(3).run()
    press(at, "Step")
    [worker] = live_workers()
    wait_for(lambda: worker.view().state == "paused" and worker.view().step == 3)
    worker.call(lambda trainer: [p.data.fill_(float("nan")) for p in trainer.D.parameters()])
    at.number_input(key="train.n_steps").set_value(20).run()  # a record (every 10) sees NaN
    press(at, "Step")
    wait_for(lambda: worker.view().state == "error")
    at.run()
    assert any("训练发散" in e.value for e in at.error)
    assert untranslated(at) == []


@pytest.mark.parametrize("dataset", ["ring8", "digits"])
def test_latent_explorer_in_chinese(dataset):
    at = zh_app()
    at.sidebar.selectbox(key="cfg.dataset").set_value(dataset).run()
    at.switch_page(LATENT).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "潜在空间探索"
    assert untranslated(at) == []


@pytest.mark.parametrize("toggles", [{}, {"gp": True}, {"r1": True, "noise": True}])
def test_dirac_page_in_chinese(toggles):
    at = zh_app()
    at.switch_page(DIRAC).run()
    for name, on in toggles.items():
        at.toggle(key=f"dirac.{name}").set_value(on)
    at.number_input(key="dirac.lr").set_value(1.0).run()  # large steps: walks may diverge
    assert not at.exception, at.exception
    assert any(c.value.startswith("预测：") for c in at.caption)
    assert untranslated(at) == []


def test_compare_page_in_chinese_before_and_while_training():
    at = zh_app()
    at.switch_page(COMPARE).run()
    assert untranslated(at) == []
    at.selectbox(key="compare.setting").set_value("cfg.n_critic").run()
    at.number_input(key="compare.b.cfg.n_critic").set_value(1).run()
    assert "与 A 的相同" in at.warning[0].value
    at.number_input(key="compare.b.cfg.n_critic").set_value(2).run()
    press(at, "Start")
    workers = live_workers()
    wait_for(lambda: all(w.view().history for w in workers))
    press(at, "Pause")
    names = {t["name"] for t in json.loads(at.get("plotly_chart")[-1].proto.spec)["data"]}
    assert "A：n_critic = 1" in names or "A: n_critic = 1" in names
    assert untranslated(at) == []


def test_the_switch_is_on_every_page_and_keeps_its_choice():
    at = zh_app()
    for page in (LATENT, DIRAC, COMPARE):
        at.switch_page(page).run()
        assert at.sidebar.radio(key=i18n.KEY).value == "中文"
    at.sidebar.radio(key=i18n.KEY).set_value("English").run()
    assert at.title[0].value == "Compare two runs"


# ----------------------------------------------------------------------------- messages
@pytest.mark.parametrize(
    "key, value, chinese",
    [
        ("cfg.label_smoothing", 0.7, "不允许 train.label_smoothing = 0.7：必须在 [0, 0.5) 之内。"),
        ("cfg.lr_g", 0.0, "不允许 train.lr_g = 0.0：必须是正数。"),
        ("cfg.steps", 0, "不允许 train.steps = 0：必须是正整数。"),
        ("cfg.gp_weight", -1.0, "不允许 train.gp_weight = -1.0：必须是零或正数。"),
        ("cfg.ema", 1.0, "不允许 train.ema = 1.0：必须在 [0, 1) 之内。"),
        ("cfg.beta1", 1.0, "不允许 train.betas = (1.0, 0.9)：必须是两个 [0, 1) 之内的数"),
    ],
)
def test_config_messages_the_sidebar_can_trigger_are_in_chinese(key, value, chinese):
    at = zh_app()
    at.sidebar.number_input(key=key).set_value(value).run()
    assert not at.exception
    assert at.error[0].value.startswith("设置无效：" + chinese)
    assert english_left(at.error[0].value) == []


def test_drawing_and_combination_messages_are_in_chinese():
    at = zh_app()
    at.session_state["cfg.draw_modes"] = [[0.5, 0.5], [0.52, 0.5], [0.5, 0.49]]
    at.run()
    assert "它们都挤在一处" in at.warning[0].value
    at.sidebar.selectbox(key="cfg.dataset").set_value("digits").run()
    at.sidebar.number_input(key="cfg.gp_weight").set_value(1.0)
    at.sidebar.checkbox(key="cfg.d_batch_norm").set_value(True).run()
    assert "梯度惩罚需要逐样本的梯度" in at.error[0].value
    assert english_left(at.error[0].value) == []


def test_an_unknown_message_keeps_its_english_in_a_chinese_frame():
    at = zh_app()  # the page's session state holds the switch, as in the app
    with pytest.MonkeyPatch.context() as m:
        m.setattr(i18n, "chinese", lambda: True)
        assert i18n.message("x = 3 is not allowed: something new.") == (
            "不允许 x = 3：（英文原文）something new。"
        )
        assert i18n.message(OSError("disk full")) == "（英文原文）disk full"
        assert i18n.message("train.steps = 2.5 is not allowed: it must be a positive integer.") == (
            "不允许 train.steps = 2.5：必须是正整数。"
        )
    assert at.sidebar.radio(key=i18n.KEY).value == "中文"


# ----------------------------------------------------------------------------- the table
def test_every_text_the_code_translates_has_a_chinese_entry():
    from ganlab import viz
    from ganlab.dashboard import compare_page, dirac_page, latent_page, train_page
    from ganlab.dirac import VERDICTS
    from ganlab.losses import LOSSES

    keys = set(literal_keys())
    keys |= set(viz.LAYERS.values()) | set(latent_page.SOURCES) | set(train_page.FAILED.values())
    keys |= {label for pair in dirac_page.REGULARISERS.values() for label in pair[:2]}
    keys |= {dirac_page.MEANING, *VERDICTS, *(v.capitalize() for v in VERDICTS.values())}
    keys |= {loss.summary for loss in LOSSES.values()} | set(cfg.LOSSES)
    keys |= {name for _, name in compare_page.sidebar.FIELDS.values()} | {"betas"}
    keys |= set(train_page.BADGES) | {"stopped"}
    assert sorted(k for k in keys if k not in ZH) == []


def test_the_table_uses_the_glossarys_terms():
    # as test_zh_twins checks the notebooks: the glossary's terms out, then no variant left
    text = "\n".join(ZH.values())
    for term in _glossary_terms():
        text = text.replace(term, "")
    assert {v: term for v, term in _glossary_avoid().items() if v in text} == {}


def literal_keys() -> list[str]:
    """The string literals passed to t() or sidebar._number() in the dashboard's code."""
    import ast
    from pathlib import Path

    root = Path(APP).parent
    files = [root / "app.py", *sorted((root / "ganlab" / "dashboard").glob("*.py"))]
    keys = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            name = getattr(getattr(node, "func", None), "id", None)
            if isinstance(node, ast.Call) and name in ("t", "_number"):
                arg = node.args[0] if node.args else None
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    keys.append(arg.value)
                words = {
                    k.arg: k.value.value for k in node.keywords if isinstance(k.value, ast.Constant)
                }
                if "sense" in words:
                    keys[-1] = f"{keys[-1]} ({words['sense']})"
                if name == "_number" and "help" in words:
                    keys.append(words["help"])
    return keys
