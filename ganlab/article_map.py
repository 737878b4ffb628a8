"""The article the kit grew from, section by section: what it claims, where the course
tests it, and the verdict.

The article (shared/reference, in Chinese) is an introduction to GANs with a Keras
example. Each entry of `CLAIMS` quotes one claim of one section (2.1 to 6.3, numbered as
in the article; "6.2 (1)" is the first item of a numbered list in 6.2), renders it in
English, names the notebook sections that test it, and gives the verdict: it holds, it is
wrong (and why), or it is untested (and why). Notebook 00 shows the table:

    from ganlab import article_map
    display(HTML(article_map.html()))

tests/test_article_map.py checks that every section has a verdict and that every linked
notebook and section heading exists.
"""

from __future__ import annotations

import html as _html
import re
from dataclasses import dataclass

# The article's numbered sections from 2.1 to 6.3 and their headings, as printed.
HEADINGS: dict[str, str] = {
    "2.1": "生成对抗网络的组成",
    "2.2": "生成器和判别器的结构",
    "2.3": "GAN的训练过程",
    "3.1": "生成对抗网络的目标函数",
    "3.2": "生成器的具体操作步骤",
    "3.3": "判别器的具体操作步骤",
    "3.4": "训练生成对抗网络的具体操作步骤",
    "4": "具体代码实例和详细解释说明",
    "5.1": "未来发展趋势",
    "5.2": "挑战",
    "6.1": "常见问题1：GAN训练过程中如何调整学习率？",
    "6.2": "常见问题2：GAN训练过程中如何避免模式崩溃？",
    "6.3": "常见问题3：GAN如何处理高质量图像的生成？",
}

VERDICTS = ("holds", "wrong", "untested")

# The notebooks the map links to, by file, with the short title used in a link.
COURSE: dict[str, str] = {
    "00_start_here.ipynb": "00 · Start here",
    "01_the_adversarial_game.ipynb": "01 · The adversarial game",
    "02_losses.ipynb": "02 · Losses",
    "03_building_blocks.ipynb": "03 · Building blocks",
    "04_dcgan_on_digits.ipynb": "04 · A DCGAN on the digits",
    "05_training_dynamics.ipynb": "05 · Training dynamics",
    "06_convergence_dirac_gan.ipynb": "06 · Convergence: the Dirac-GAN",
    "10_scaling_up.ipynb": "10 · The article's §6.3, tested",
}


@dataclass(frozen=True)
class Where:
    """A place in the course: a notebook file and, optionally, one section's heading."""

    notebook: str  # a key of COURSE
    section: str | None = None  # the heading as written in the notebook, without the #s

    def label(self) -> str:
        title = COURSE[self.notebook]
        return f"{title}, “{self.section}”" if self.section else title


@dataclass(frozen=True)
class Claim:
    """One claim of the article, where the course tests it, and the verdict."""

    section: str  # a key of HEADINGS
    item: int | None  # the item of a numbered list in that section, or None
    quote: str  # the claim, as the article words it
    english: str  # the same in English
    tested_in: tuple[Where, ...]
    verdict: str  # one of VERDICTS
    why: str  # what the course found, or why it is untested

    @property
    def key(self) -> str:
        return self.section if self.item is None else f"{self.section} ({self.item})"


def _nb(notebook: str, section: str | None = None) -> Where:
    return Where(notebook, section)


N00, N01, N02, N03 = (
    "00_start_here.ipynb",
    "01_the_adversarial_game.ipynb",
    "02_losses.ipynb",
    "03_building_blocks.ipynb",
)
N04, N05, N06, N10 = (
    "04_dcgan_on_digits.ipynb",
    "05_training_dynamics.ipynb",
    "06_convergence_dirac_gan.ipynb",
    "10_scaling_up.ipynb",
)

CLAIMS: tuple[Claim, ...] = (
    Claim(
        "2.1",
        None,
        "生成器的作用是生成新的图像，而判别器的作用是判断生成的图像与真实的图像有多像素。"
        "这两个网络相互对抗，使得生成器不断改进，最终生成出更逼真的图像。",
        "The generator makes new images; the discriminator judges how much they look like "
        "the real ones. The two networks play against each other, so the generator keeps "
        "improving and in the end makes more realistic images.",
        (
            _nb(N01, "3 · The optimal discriminator"),
            _nb(N04, "2 · Training, with snapshots from fixed noise"),
        ),
        "holds",
        "The game does improve G: the digits sharpen and the Fréchet distance falls (04). "
        "But D does not grade likeness: it estimates the probability that a sample is real, "
        "and its best reply to G is D* = p_data / (p_data + p_g), which a trained D matches "
        "where the samples are (01).",
    ),
    Claim(
        "2.2",
        None,
        "生成器通常包括多个卷积层、批量正则化层、卷积transpose层等，"
        "判别器通常包括多个卷积层、批量正则化层和全连接层等。",
        "The generator usually has several convolution layers, batch normalisation layers "
        "and transposed-convolution layers; the discriminator several convolution layers, "
        "batch normalisation layers and fully connected layers.",
        (
            _nb(N03, "5 · DCGAN's G and D, layer by layer"),
            _nb(N03, "4 · Batch norm, LeakyReLU and tanh"),
        ),
        "holds",
        "It is DCGAN's recipe, built layer by layer in 03 and checked against ganlab.models. "
        "Two refinements: G grows the image with transposed convolutions, and batch norm in "
        "D is optional and clashes with gradient penalties, so the digits preset uses "
        "spectral norm there (the article's own D has no batch norm either). "
        "'批量正则化' is batch normalisation, not a regulariser.",
    ),
    Claim(
        "2.3",
        None,
        "当判别器的性能达到一定水平时，停止训练判别器，只训练生成器，使生成器的性能不断提高。",
        "When the discriminator's performance reaches a certain level, stop training it and "
        "train only the generator, so that the generator keeps improving.",
        (_nb(N05, "4. The article's other advice: stop training D once it is strong"),),
        "wrong",
        "Against a frozen D, G's best move is to put its samples where that D is highest, "
        "and nothing corrects it any more: in 05 G's samples climb the frozen D's surface "
        "and leave the data. D's feedback is only useful while D keeps learning about G's "
        "current samples; balance the players by regularising D (R1, spectral norm), not by "
        "stopping it.",
    ),
    Claim(
        "3.1",
        None,
        "生成器的目标函数可以表示为：L_G = −E_{x∼p_data}[log D(x)] + E_{z∼p_z}[log(1 − D(G(z)))]；"
        "判别器的目标函数可以表示为：L_D = E_{x∼p_data}[log D(x)] + E_{z∼p_z}[log(1 − D(G(z)))]",
        "The generator's objective is L_G = −E[log D(x)] + E[log(1 − D(G(z)))]; the "
        "discriminator's is L_D = E[log D(x)] + E[log(1 − D(G(z)))].",
        (_nb(N02, "4.1 What the article writes, and what its code does"),),
        "wrong",
        "The signs disagree. Minimised as losses, L_D = V makes D call real data fake (02 "
        "trains such a D: it scores everything fake); maximised as objectives, L_G makes G's "
        "fakes easier to spot, and its first term does not depend on G at all. The "
        "consistent pair, minimised: L_D = −V and L_G = −E[log D(G(z))] (non-saturating).",
    ),
    Claim(
        "3.2",
        None,
        "从随机噪声中生成一个向量，作为生成器的输入。通过生成器的卷积层、批量正则化层和"
        "卷积transpose层进行多次处理。生成一个与真实图像大小相同的图像。",
        "Draw a vector of random noise as the generator's input; pass it through the "
        "generator's convolution, batch normalisation and transposed-convolution layers "
        "several times; produce an image of the same size as the real images.",
        (_nb(N03, "5 · DCGAN's G and D, layer by layer"),),
        "holds",
        "03 traces every shape from z (B, 32) through a projection and two doublings to an "
        "image (B, 1, 16, 16) the size of the data, and checks the result against "
        "ganlab.models.",
    ),
    Claim(
        "3.3",
        None,
        "将生成的图像或真实图像作为判别器的输入。通过判别器的卷积层、批量正则化层和全连接层"
        "进行多次处理。输出一个表示图像像素值的向量。",
        "Feed a generated or a real image to the discriminator; pass it through its "
        "convolution, batch normalisation and fully connected layers several times; output "
        "a vector that represents the image's pixel values.",
        (_nb(N01, "1 · Two players on a plane"), _nb(N03, "5 · DCGAN's G and D, layer by layer")),
        "wrong",
        "The last step: D outputs one number per image, a logit whose sigmoid is D's "
        "probability that the image is real, shape (B,), not a vector of pixel values "
        "(01, 03).",
    ),
    Claim(
        "3.4",
        None,
        "根据目标函数计算生成器和判别器的梯度。更新生成器和判别器的参数。",
        "Compute the gradients of the generator and the discriminator from the objective; "
        "update the parameters of both.",
        (_nb(N06), _nb(N02, "3 · Wasserstein and WGAN-GP"), _nb(N01, "2 · The value function")),
        "wrong",
        "Both gradients taken at the same point, then both updates, is simultaneous "
        "gradient descent: on the Dirac-GAN it spirals away from the equilibrium (02, 06). "
        "ganlab alternates, a D step and then a G step against the updated D (01), and even "
        "that does not converge without a regulariser such as R1.",
    ),
    Claim(
        "4",
        None,
        "在本节中，我们将通过一个简单的代码实例来详细解释GAN的实现过程。",
        "In this section we explain in detail how a GAN is implemented, through a simple "
        "code example.",
        (
            _nb(N03, "6 · The article's Keras example: what is wrong with it"),
            _nb(N03, "7 · The corrected model, trained"),
        ),
        "wrong",
        "The program does not run (LeakyReLU, BatchNormalization and np are never imported, "
        "z is undefined, 784 pixel values are reshaped to 12,288), and it would not learn if "
        "it did: data in [0, 1] against tanh's [−1, 1], a sigmoid before squared errors, a D "
        "loss without targets, G's loss computed outside its GradientTape, one Adam for both "
        "networks. preset('article') is the program with these fixed (03).",
    ),
    Claim(
        "5.1",
        None,
        "GAN还将在自然语言处理、语音合成、机器人控制等领域取得重要成果。",
        "GANs will also achieve important results in natural language processing, speech "
        "synthesis, robot control and other fields.",
        (),
        "untested",
        "A forecast about other fields: a course on 2-D points and digit images cannot test it.",
    ),
    Claim(
        "5.2",
        None,
        "由于生成器和判别器相互对抗，训练过程容易陷入局部最优，导致生成的图像质量不佳。"
        "此外，GAN的模型复杂性较大，计算开销较大。",
        "Because the generator and the discriminator oppose each other, training easily "
        "gets stuck in local optima, and the images come out poor. GAN models are also "
        "complex and expensive to compute.",
        (_nb(N06), _nb(N05, "2. Mode collapse, shown")),
        "wrong",
        "That training is hard holds, but not for that reason: a game has no optimum to be "
        "stuck in. Near its equilibrium plain GAN training circles it instead of converging "
        "(the Jacobian's eigenvalues are imaginary, 06), and mode collapse is a chase, G's "
        "samples moving in a bunch from mode to mode (05). The cost is the model's size, not "
        "the GAN's: the course's GANs train in seconds on a CPU (00).",
    ),
    Claim(
        "6.1",
        None,
        "通常情况下，可以使用Adam优化器，并设置一个较小的学习率，如0.0002。",
        "Usually one uses the Adam optimiser with a small learning rate, such as 0.0002.",
        (_nb(N05, "Reading the table honestly"),),
        "untested",
        "0.0002 with Adam is DCGAN's setting and a sound start, but no notebook compares "
        "learning rates at a fair budget: a smaller step moves a fraction as far in the same "
        "number of steps, so in 05 the low-rate run cannot be told from the plain GAN at "
        "equal steps or at equal progress. The article's code also shares one Adam between "
        "G and D, which the course never does.",
    ),
    Claim(
        "6.2",
        1,
        "使用随机噪声预处理：在训练过程中，将输入的图像与随机噪声进行混合，可以帮助生成器生成更多样化的图像。",
        "Preprocess with random noise: mixing the input images with random noise during "
        "training helps the generator make more varied images.",
        (_nb(N05, "3. The remedies and what each one changes"), _nb(N06)),
        "untested",
        "Against mode collapse it is one seed in 05, no help there at 300 steps, which is no "
        "verdict. What is shown is another property: noise on D's inputs makes the "
        "Dirac-GAN converge (06), a statement about convergence, not about variety.",
    ),
    Claim(
        "6.2",
        2,
        "使用梯度裁剪：在训练过程中，当生成器和判别器的梯度过大时，可以使用梯度裁剪技术来限制梯度的范围，从而避免梯度爆炸。",
        "Use gradient clipping: when the gradients of the generator and the discriminator "
        "get too large, clip them to limit their range and avoid exploding gradients.",
        (_nb(N05, "Reading the table honestly"), _nb(N05, "Exercises")),
        "wrong",
        "As a remedy for mode collapse it has no mechanism: under Adam, scaling every "
        "gradient by the same factor leaves the steps unchanged (05, exercise 2), so "
        "clipping only tames spikes; it cannot spread a collapsed bunch.",
    ),
    Claim(
        "6.2",
        3,
        "使用正则化：可以在生成器和判别器的损失函数中添加L1或L2正则化项，以减少模型的复杂性。",
        "Use regularisation: add L1 or L2 terms to the losses of the generator and the "
        "discriminator, to reduce the models' complexity.",
        (_nb(N05, "L1 and L2 on D's weights, by hand"),),
        "untested",
        "05 adds both to D by hand: they change D's weights as the algebra says (L1 exact "
        "zeros, L2 none), which makes D sparser or smaller, not smoother; against collapse "
        "that is one seed's result. The penalty that held over seeds is R1, on D's gradient "
        "at the data, not on its weights.",
    ),
    Claim(
        "6.3",
        1,
        "使用更深的生成器和判别器：通过增加网络层数和参数，可以提高模型的表达能力，生成更高质量的图像。",
        "Use deeper generators and discriminators: more layers and parameters raise the "
        "models' capacity and give higher-quality images.",
        (_nb(N10),),
        "untested",
        "Measured in notebook 10 (width 16, 32 and 64 on the digits, scored with the digit "
        "classifier); no earlier notebook varies the networks' size.",
    ),
    Claim(
        "6.3",
        2,
        "使用更高质量的训练数据：高质量的训练数据可以帮助生成器生成更高质量的图像。",
        "Use higher-quality training data: it helps the generator make higher-quality images.",
        (_nb(N10),),
        "untested",
        "Measured in notebook 10 as more data, 200 against 1,797 digit images; no earlier "
        "notebook varies the data.",
    ),
    Claim(
        "6.3",
        3,
        "使用更复杂的数据增强方法：可以使用数据增强方法，如旋转、翻转、裁剪等，来增加训练数据的多样性，"
        "从而帮助生成器生成更高质量的图像。",
        "Use more elaborate data augmentation, such as rotation, flips and crops, to make the "
        "training data more varied and so help the generator make higher-quality images.",
        (_nb(N10), _nb(N05, "Augmentation, measured where it applies: 200 digit images")),
        "untested",
        "05 measures augmentation of real and fake images together on 200 digits, at a budget "
        "too short for D to memorise them, so it cannot show a gain. Notebook 10 measures "
        "augmenting the real data only against that, and the leak that comes with the "
        "former: a G that learns the augmented data makes mirrored or rotated digits.",
    ),
)


def _inline(text: str) -> str:
    """Escape text for HTML, showing `code` as <code>."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", _html.escape(text))


def _link(where: Where) -> str:
    return f'<a href="{_html.escape(where.notebook)}">{_inline(where.label())}</a>'


def html(claims: tuple[Claim, ...] = CLAIMS) -> str:
    """The map as one HTML table (GitHub, JupyterLab and VS Code all draw it)."""
    rows = [
        "<table>",
        "<tr><th>§</th><th>the article says</th><th>in English</th><th>tested in</th>"
        "<th>verdict</th></tr>",
    ]
    for c in claims:
        tested = "<br>".join(_link(w) for w in c.tested_in) or "–"
        rows.append(
            f"<tr><td>{c.key}</td><td>{_inline(c.quote)}</td><td>{_inline(c.english)}</td>"
            f"<td>{tested}</td><td><b>{c.verdict}</b>: {_inline(c.why)}</td></tr>"
        )
    rows.append("</table>")
    return "\n".join(rows)
