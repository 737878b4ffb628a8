"""The dashboard's Chinese: English text -> 中文, the one table (read by i18n.py).

Terms follow docs/glossary.md (tests/test_app_zh.py checks its "avoid" column here too).
Keys are the English exactly as the code writes it, templates with their {fields};
code names (ring8, non_saturating, lr_g, ...) stay beside a Chinese name.
"""

# ----------------------------------------------------------------------------- the UI
ZH = {
    # app.py: the pages
    "Train": "训练",
    "Latent explorer": "潜在空间探索",
    "Dirac-GAN": "Dirac-GAN",
    "Compare": "对比",
    # the sidebar (sidebar.py)
    "Settings": "设置",
    "Preset": "预设",
    "Dataset": "数据集",
    "2-D toys and digits need no download; drawn is the data you draw below the controls; "
    "mnist, fashion_mnist, cifar10 and folder read their files from data/": "二维玩具数据和 digits "
    "无需下载；drawn 是你在控制按钮下方画出的数据；mnist、fashion_mnist、cifar10 和 folder "
    "从 data/ 读取文件",
    "Loss": "损失",
    "Train for (steps)": "训练步数",
    "G learning rate": "G 的学习率",
    "D learning rate": "D 的学习率",
    "Adam beta1": "Adam 的 beta1",
    "Adam beta2": "Adam 的 beta2",
    "Batch size": "批大小",
    "n_critic": "n_critic",
    "D updates per G update": "每次 G 更新对应的 D 更新次数",
    "Regularisers": "正则项",
    "Gradient penalty (WGAN-GP)": "梯度惩罚（WGAN-GP）",
    "R1 penalty gamma": "R1 正则化的 γ",
    "Weight clipping (WGAN)": "权重裁剪（WGAN）",
    "Instance noise std": "实例噪声的标准差",
    "Label smoothing": "标签平滑",
    "Gradient clipping": "梯度裁剪",
    "EMA of G's weights": "G 权重的指数移动平均（EMA）",
    "0 = off": "0 = 关闭",
    "Spectral norm in D": "D 使用谱归一化",
    "Batch norm in D (images)": "D 使用批归一化（图像）",
    "Conditional (class labels)": "条件 GAN（类别标签）",
    "Stop at the quality bar": "达到质量标准即停止",
    "End the run at the first evaluation that meets the data's quality bar "
    "(2-D: every mode covered and 90% high-quality samples; digits: all 10 "
    "classes and FD <= 25); off: train for all the steps": (
        "在第一次达到该数据质量标准的评估时结束训练（二维数据：覆盖所有模式且 90% 为高质量样本；"
        "digits：覆盖全部 10 个类别且 FD <= 25）；关闭则训练完所有步数"
    ),
    "This data set has no quality bar (2-D sets and digits have one)": (
        "这个数据集没有质量标准（二维数据集和 digits 有）"
    ),
    "Seed": "随机种子",
    "Device": "设备",
    "Invalid setting: {reason}": "设置无效：{reason}",
    # losses (select options: the code name beside the Chinese)
    "minimax": "饱和损失（minimax）",
    "non_saturating": "非饱和损失（non_saturating）",
    "least_squares": "最小二乘损失（least_squares）",
    "wasserstein": "Wasserstein 损失（wasserstein）",
    "hinge": "合页损失（hinge）",
    # the settings' field names (Compare, "Settings changed")
    "name": "数据集（name）",
    "loss": "损失（loss）",
    "steps": "训练步数（steps）",
    "lr_g": "G 的学习率（lr_g）",
    "lr_d": "D 的学习率（lr_d）",
    "batch_size": "批大小（batch_size）",
    "gp_weight": "梯度惩罚权重（gp_weight）",
    "r1_weight": "R1 权重（r1_weight）",
    "clip_weights": "权重裁剪（clip_weights）",
    "instance_noise": "实例噪声（instance_noise）",
    "label_smoothing": "标签平滑（label_smoothing）",
    "grad_clip": "梯度裁剪（grad_clip）",
    "ema": "指数移动平均（ema）",
    "stop_at_bar": "达到质量标准即停止（stop_at_bar）",
    "spectral_norm": "谱归一化（spectral_norm）",
    "d_batch_norm": "D 的批归一化（d_batch_norm）",
    "conditional": "条件 GAN（conditional）",
    "seed": "随机种子（seed）",
    "device": "设备（device）",
    "modes": "模式（modes）",
    "mode_std": "模式的标准差（mode_std）",
    "title": "名称（title）",
    "betas": "Adam 的 betas",
    # the Train page (train_page.py)
    "Train a GAN": "训练一个 GAN",
    "Start": "开始",
    "Pause": "暂停",
    "Resume": "继续",
    "Step": "单步",
    "Reset": "重置",
    "Steps per Step": "每次单步的步数",
    "Could not start: {error}": "无法开始：{error}",
    "Could not resume: {error}": "无法继续：{error}",
    "Could not step: {error}": "无法单步：{error}",
    "Could not pause: {error}": "无法暂停：{error}",
    "Could not load {name}: {error}": "无法读取 {name}：{error}",
    "Loaded {name} at step {step}: press Resume.": "已读取 {name}（第 {step} 步）：请按“继续”。",
    "Checkpoint: save or load a run": "检查点：保存或读取一次训练",
    "Save checkpoint": "保存检查点",
    "Load checkpoint": "读取检查点",
    "Fix the setting below to train.": "请先修正下面的设置，再开始训练。",
    "untitled": "未命名",
    "drawn “{title}” ({n} modes)": "手绘数据“{title}”（{n} 个模式）",
    "{name} · {arch} · {loss} loss · lr G {lr_g:g} / D {lr_d:g} · batch {batch} · seed {seed}": (
        "{name} · {arch} · {loss} 损失 · 学习率 G {lr_g:g} / D {lr_d:g} · 批大小 {batch} · "
        "随机种子 {seed}"
    ),
    "State: {badge}": "状态：{badge}",
    "running": "训练中",
    "paused": "已暂停",
    "done": "已完成",
    "error": "出错",
    "stopped": "已停止",
    "Settings changed ({names}): press Reset to train with them.": (
        "设置已更改（{names}）：按“重置”后才会用新设置训练。"
    ),
    # the live view (live_view.py, layers.py, slow_motion_view.py)
    "Press **Start** to train, or **Step** to take a few steps at a time.": (
        "按 **开始** 训练，或按 **单步** 每次只走几步。"
    ),
    "{error}. Training is paused; press Reset to start again.": (
        "{error}。训练已暂停；按“重置”重新开始。"
    ),
    "Step (the counter)": "训练步",
    "Steps / s": "步/秒",
    "JS (grid)": "JS（网格）",
    "{label} (step {step:,})": "{label}（第 {step:,} 步）",
    "Modes covered": "覆盖的模式数",
    "High quality": "高质量样本占比",
    "Fréchet distance": "Fréchet 距离",
    "Classes": "覆盖的类别",
    "MMD": "最大均值差异（MMD）",
    "Follow live": "跟随最新",
    "Scrub back through snapshots (step)": "回看快照（训练步）",
    "**Step {step}**: D's map (blue: D says real, red: fake) under the points": (
        "**第 {step} 步**：点下方是 D 的决策图（蓝：D 判为真实，红：判为生成）"
    ),
    "**Step {step}**: G(the same fixed noise at every step)": (
        "**第 {step} 步**：G(每一步都用同一组固定噪声)"
    ),
    "D's map": "D 的决策图",
    "real points": "真实样本点",
    "fake points": "生成样本点",
    "G's arrows": "G 的箭头",
    "G's manifold": "G 的流形",
    "the square grid z₁, z₂ ∈ [-{extent:g}, {extent:g}] of G's noise, drawn through G": (
        "G 的噪声中 z₁, z₂ ∈ [-{extent:g}, {extent:g}] 的方形网格，经 G 映射后的样子"
    ),
    "G's manifold (purple): {grid}; z_dim = 2, so this is all of G's noise space.": (
        "G 的流形（紫色）：{grid}；z_dim = 2，所以这就是 G 的整个噪声空间。"
    ),
    "G's manifold (purple): {grid}. z_dim = {z}, so this is a 2-D slice of the noise "
    "space: z₃ … z_{z} are held at 0.": (
        "G 的流形（紫色）：{grid}。z_dim = {z}，所以这是噪声空间的一个二维切片：z₃ … z_{z} 固定为 0。"
    ),
    "Slow motion": "慢动作",
    "Step plays one training step as its parts: D's update, then G's update": (
        "“单步”把一个训练步拆开播放：先是 D 的更新，再是 G 的更新"
    ),
    "Frame": "帧",
    "**Slow motion {title}**: {caption}": "**慢动作 {title}**：{caption}",
    "2/3 · D's update": "2/3 · D 的更新",
    "D's map and G's fakes as they are now; the arrows show where G's loss pushes each fake.": (
        "D 的决策图和 G 的生成样本的当前状态；箭头表示 G 的损失把每个生成样本推向何处。"
    ),
    "D learns: it scores real points higher and fakes lower, so the map changes. G has not "
    "moved: the fakes stay where they were.": (
        "D 在学习：它给真实样本点打更高的分、给生成样本打更低的分，于是决策图变了。"
        "G 没有动：生成样本停在原处。"
    ),
    "G learns through the new D: the fakes move along the arrows (faint lines join each "
    "fake to where it was). D has not moved.": (
        "G 通过新的 D 学习：生成样本沿箭头移动（淡色细线连接每个生成样本与它原来的位置）。D 没有动。"
    ),
    # the drawing panel (draw_panel.py)
    "Draw your own data": "画出你自己的数据",
    "Click the plane to place a mode (or type its x and y). Each mode is a Gaussian "
    "blob: a small size draws points, a large one blobs. Name your data, then "
    "train on it.": (
        "点击平面放置一个模式（或输入它的 x 和 y）。每个模式是一团高斯分布：尺寸小画出的是点，"
        "尺寸大画出的是团。给数据起个名字，然后用它训练。"
    ),
    "Add": "添加",
    "a mode at (x, y)": "在 (x, y) 处放一个模式",
    "Name": "名称",
    "Stopped at step {step}: the quality bar ({bar}) is met, also on "
    "{n:,} fresh samples. Resume trains on.": (
        "已在第 {step} 步停止：达到了质量标准（{bar}），在 {n:,} 个新样本上也达到了。"
        "点“继续”可接着训练。"
    ),
    "every mode covered, high_quality >= 0.90": "覆盖全部模式，高质量样本占比 ≥ 0.90",
    "all 10 classes covered, fd <= 25": "覆盖全部 10 个类别，FD ≤ 25",
    "e.g. my smiley": "例如：我的笑脸",
    "Blob size (std)": "团的大小（标准差）",
    "**{n} modes** placed": "已放置 **{n} 个模式**",
    "Undo": "撤销",
    "Clear": "清空",
    "Train on this drawing": "用这幅图训练",
    "click to place": "点击放置",
    "your data (a sample)": "你的数据（一份样本）",
    # the Latent explorer (latent_page.py)
    "G maps each latent vector z to a sample. Walk from z_A to z_B in a straight line "
    "(lerp) or along the sphere where z ~ N(0, I) lives (slerp).": (
        "G 把每个潜在向量 z 映射成一个样本。从 z_A 走到 z_B：沿直线（线性插值，lerp），"
        "或沿 z ~ N(0, I) 所在的球面（球面插值，slerp）。"
    ),
    "Model": "模型",
    "Current training run": "当前的训练",
    "Uploaded checkpoint": "上传的检查点",
    "Checkpoint file": "检查点文件",
    "Upload a checkpoint saved from the Train page or by `python -m ganlab train`.": (
        "上传在“训练”页面或用 `python -m ganlab train` 保存的检查点。"
    ),
    "Reading the checkpoint...": "正在读取检查点……",
    "Building an untrained model...": "正在构建未训练的模型……",
    "No training run yet, so this generator is untrained (its outputs are noise). Train on "
    "the Train page, or upload a checkpoint.": (
        "还没有训练，所以这个生成器未经训练（它的输出是噪声）。请在“训练”页面训练，或上传一个检查点。"
    ),
    "Exploring {about}.": "正在探索：{about}。",
    "Four corners (a grid of walks)": "四个角（插值网格）",
    "Interpolation": "插值",
    "lerp": "线性插值（lerp）",
    "slerp": "球面插值（slerp）",
    "Steps": "步数",
    "Seed {n}": "随机种子 {n}",
    "Class": "类别",
    "Grey: the data. Orange: G's samples. Line: G(z) along the walk, t = 0 to 1.": (
        "灰色：数据。橙色：G 的样本。线：沿插值路径的 G(z)，t 从 0 到 1。"
    ),
    "G along the walk": "沿插值路径的 G",
    "Download strip (PNG)": "下载图像条（PNG）",
    "**Animated**: press play, or drag the slider": "**动画**：按播放键，或拖动滑块",
    # the Dirac-GAN page (dirac_page.py; ganlab.dirac, ganlab.losses)
    "The Dirac-GAN": "Dirac-GAN",
    "The smallest GAN (Mescheder, Geiger & Nowozin 2018): the data is one point at 0, G "
    "generates the point θ, D(x) = ψ·x. Does gradient descent reach (θ, ψ) = (0, 0)?": (
        "最小的 GAN（Mescheder、Geiger 与 Nowozin，2018）：数据是位于 0 的单点分布，G 生成点 θ，"
        "D(x) = ψ·x。梯度下降能到达 (θ, ψ) = (0, 0) 吗？"
    ),
    "The package's losses (ganlab.losses)": "本工具包的损失（ganlab.losses）",
    "Original minimax game: G minimises log(1 - D(G(z))); saturates when D wins.": (
        "原始的极小极大博弈：G 最小化 log(1 - D(G(z)))；D 占上风时损失饱和。"
    ),
    "Non-saturating GAN: G maximises log D(G(z)); the usual default.": (
        "非饱和损失：G 最大化 log D(G(z))；通常的默认选择。"
    ),
    "LSGAN: squared distance of D's output to targets 1 (real) and 0 (fake).": (
        "LSGAN：D 的输出与目标 1（真实）和 0（生成）的平方距离。"
    ),
    "WGAN: the critic estimates W1; needs weight clipping or a gradient penalty.": (
        "WGAN：评论器（critic）估计 W1；需要权重裁剪或梯度惩罚。"
    ),
    "Hinge loss: D pushes real above +1 and fake below -1; G raises D(G(z)).": (
        "合页损失（hinge）：D 把真实样本推到 +1 以上、生成样本推到 -1 以下；G 抬高 D(G(z))。"
    ),
    "R1": "R1",
    "WGAN-GP": "WGAN-GP",
    "Noise": "噪声",
    "R1's weight γ": "R1 的权重 γ",
    "GP's weight λ": "梯度惩罚的权重 λ",
    "instance noise σ": "实例噪声 σ",
    "Learning rate": "学习率",
    "Start θ": "起点 θ",
    "Start ψ": "起点 ψ",
    "{update}: distance to (0, 0) after {steps} steps": "{update}：{steps} 步后到 (0, 0) 的距离",
    "Simultaneous": "同时更新",
    "Alternating": "交替更新",
    "∞ (diverged)": "∞（发散）",
    "{change:+.3f} from the start": "与起点相比 {change:+.3f}",
    "**Jacobian's eigenvalues at (0, 0)**": "**雅可比矩阵在 (0, 0) 处的特征值**",
    "Prediction: **{verdict}**. {meaning}.": "预测：**{verdict}**。{meaning}。",
    "converges": "收敛",
    "circles": "绕圈",
    "stalls": "停滞",
    "diverges": "发散",
    "no fixed point": "无驻点",
    "Every eigenvalue has a negative real part: the walk spirals in": (
        "每个特征值的实部都为负：轨迹螺旋向内"
    ),
    "The eigenvalues are purely imaginary: no linear convergence; the walk circles, "
    "spirals out, or creeps in only through slow nonlinear terms": (
        "特征值是纯虚数：没有线性收敛；轨迹绕圈、螺旋向外，或只靠缓慢的非线性项一点点靠近"
    ),
    "The eigenvalues are zero: no pull towards (0, 0), not even a rotation": (
        "特征值为零：没有指向 (0, 0) 的拉力，连旋转也没有"
    ),
    "An eigenvalue has a positive real part: the walk is pushed away": (
        "有一个特征值的实部为正：轨迹被推离"
    ),
    "The field is not differentiable at (0, 0), so it has no eigenvalues": (
        "向量场在 (0, 0) 处不可微，所以没有特征值"
    ),
    "No eigenvalues to show: the walks say what happens instead.": (
        "没有特征值可显示：请看轨迹，它们说明了会发生什么。"
    ),
    "real part": "实部",
    "imaginary part": "虚部",
    "At the equilibrium (0, 0) the Jacobian of the field decides what small steps do: "
    "**purely imaginary** eigenvalues mean the walk circles around (0, 0) and never settles; "
    "**negative real parts** mean it spirals in and converges.": (
        "在均衡 (0, 0) 处，向量场的雅可比矩阵决定小步长的行为：特征值为**纯虚数**时，"
        "轨迹绕着 (0, 0) 打转，永远停不下来；**实部为负**时，轨迹螺旋向内并收敛。"
    ),
    # the Compare page (compare_page.py)
    "Compare two runs": "对比两次训练",
    "Both runs train at once, in two background threads, from the same seed. This computer "
    "has {cores} cores and runs at most {n} trainings at a time over all pages and tabs, "
    "{threads} torch thread(s) each: the pair takes two of them and shares the cores, so "
    "each run is slower than one alone.": (
        "两次训练在两个后台线程中同时进行，随机种子相同。这台计算机有 {cores} 个核心，"
        "所有页面和标签页合计最多同时进行 {n} 个训练，每个用 {threads} 个 torch 线程："
        "这一对训练占其中两个并共用核心，所以每次训练都比单独训练慢。"
    ),
    "Setting that differs": "不同的那项设置",
    "B's {name} (A's: {value})": "B 的 {name}（A 的：{value}）",
    "B's {name} equals A's ({value}): choose another value to compare.": (
        "B 的 {name} 与 A 的相同（{value}）：请选一个不同的值来对比。"
    ),
    "Invalid setting for B: {reason}": "B 的设置无效：{reason}",
    "This computer trains only {n} run at a time (GANLAB_MAX_TRAINERS), so the pair cannot "
    "train together.": (
        "这台计算机一次只进行 {n} 个训练（GANLAB_MAX_TRAINERS），所以这一对训练无法同时进行。"
    ),
    "The pair needs two of the {n} trainings this computer runs at once, and another run (on "
    "the Train page, or in another browser tab) holds a place: pause it, then press Start "
    "again.": (
        "这一对训练需要占用这台计算机可同时进行的 {n} 个训练中的两个，而另一个训练"
        "（在“训练”页面，或在另一个浏览器标签页中）占着一个位置：请先暂停它，再按“开始”。"
    ),
    "Could not start the pair: {error}": "无法开始这一对训练：{error}",
    "Choose the setting that differs and B's value of it, then press **Start**.": (
        "选择不同的那项设置和 B 的取值，然后按 **开始**。"
    ),
    " · {speed:.0f} steps/s": " · {speed:.0f} 步/秒",
    "{error}. This run stopped; press Reset to start the pair again.": (
        "{error}。这次训练已停止；按“重置”重新开始这一对训练。"
    ),
    "Step ({letter})": "训练步（{letter}）",
    # figures from ganlab.viz (traces, titles, axes: translated by i18n.figure)
    "step": "训练步",
    "No records yet": "尚无记录",
    "Losses": "损失",
    "D loss": "D 的损失",
    "G loss": "G 的损失",
    "Mean D output": "D 的平均输出",
    "Gradient norms": "梯度范数",
    "|grad D|": "|∇D|",
    "|grad G|": "|∇G|",
    "Real vs fake (grid)": "真实与生成（网格）",
    "KL(real‖fake)": "KL(真实‖生成)",
    "JS (max log 2)": "JS（最大 log 2）",
    "D(x)<br>blue: real<br>red: fake": "D(x)<br>蓝：真实<br>红：生成",
    "D's score<br>blue: real": "D 的得分<br>蓝：真实",
    "real data": "真实数据",
    "real": "真实数据",
    "fake G(z)": "生成样本 G(z)",
    "where G's step moved them": "G 的这一步把它们移到的位置",
    "G's push (arrows)": "G 的推动（箭头）",
    "G(walk)": "G(插值路径)",
    "vector field": "向量场",
    "simultaneous steps": "同时更新的轨迹",
    "alternating steps": "交替更新的轨迹",
    "start": "起点",
    "equilibrium (0, 0)": "均衡 (0, 0)",
    "θ: where G puts its sample": "θ：G 生成的样本所在的位置",
    "ψ: D's slope": "ψ：D 的斜率",
    "eigenvalues": "特征值",
    # messages from ganlab (i18n.message)
    "{field} = {value} is not allowed: {reason}.": "不允许 {field} = {value}：{reason}。",
    "(in English) {}": "（英文原文）{}",
    "the file": "该文件",
    "the current run at step {step}": "当前训练的第 {step} 步",
}

# A figure's or a frame's text with values in it: (regex, template of its groups).
FIGURE_PATTERNS = (
    (r"Step (\d+): D loss (\S+), G loss (\S+)", "第 {0} 步：D 的损失 {1}，G 的损失 {2}"),
    (r"1/3 · before step ([\d,]+)", "1/3 · 第 {0} 步之前"),
    (r"2/3 · D's (\d+) updates", "2/3 · D 的 {0} 次更新"),
    (r"3/3 · G's update: step ([\d,]+) done", "3/3 · G 的更新：第 {0} 步完成"),
    (r"the current run at step (\d+)", "当前训练的第 {0} 步"),
    (r"untrained (\S+) generator", "未训练的 {0} 生成器"),
    (r"(.+) at step (\d+)", "{0}（第 {1} 步）"),
)

# What a config message says is allowed (checks.py's sentences, and config.py's own).
REASON_PATTERNS = (
    (r"choose one of (.+)", "请从 {0} 中选一个"),
    (r"it must be a positive number", "必须是正数"),
    (r"it must be zero or a positive number", "必须是零或正数"),
    (r"it must be an integer", "必须是整数"),
    (r"it must be a positive integer", "必须是正整数"),
    (r"it must be zero or a positive integer", "必须是零或正整数"),
    (r"it must be an integer >= (.+)", "必须是 ≥ {0} 的整数"),
    (r"it must be in (\[.+)", "必须在 {0} 之内"),
    (
        r"two numbers in \[0, 1\), e\.g\. \(0\.5, 0\.999\)",
        "必须是两个 [0, 1) 之内的数，例如 (0.5, 0.999)",
    ),
    (
        r"gradient penalties need per-sample gradients: "
        r"set d_batch_norm=False \(or spectral_norm=True instead\)",
        "梯度惩罚需要逐样本的梯度：请设 d_batch_norm=False（或改用 spectral_norm=True）",
    ),
    (
        r"it smooths a probability target, so it needs a loss in (.+)",
        "标签平滑作用于概率目标，所以损失必须是 {0} 之一",
    ),
    (
        r"this computer has no (\w+) device, choose 'auto' or 'cpu'",
        "这台计算机没有 {0} 设备，请选择 'auto' 或 'cpu'",
    ),
    (
        r"(.+) has no quality bar; 2-D sets and digits have one",
        "{0} 没有质量标准；只有二维数据集和 digits 有",
    ),
    (r"modes are for data\.name = 'drawn'", "只有 data.name = 'drawn' 才用 modes"),
)

# Whole messages from ganlab with their own shape (drawings, the worker, checkpoints).
MESSAGE_PATTERNS = (
    (
        r"data\.modes = (\d+) points? is not allowed: too few, place at least (\d+)\.",
        "不允许 data.modes = {0} 个点：太少了，请至少放置 {1} 个。",
    ),
    (
        r"data\.modes = (\d+) points within (\S+) of each other is not allowed: they are all "
        r"in one spot, spread them at least (\S+) apart\.",
        "不允许 data.modes = {0} 个点彼此相距不到 {1}：它们都挤在一处，请让它们至少相距 {2}。",
    ),
    (
        r"Training diverged: (\S+) became (\S+) between steps (\d+) and (\d+): lower the "
        r"learning rates, or try gradient clipping, a gradient penalty or spectral norm",
        "训练发散：{0} 在第 {2} 步与第 {3} 步之间变成了 {1}：请降低学习率，或试试梯度裁剪、"
        "梯度惩罚或谱归一化",
    ),
    (
        r"Training diverged: (\S+) holds a non-finite value at step (\d+)",
        "训练发散：第 {1} 步时 {0} 含有非有限值",
    ),
    (
        r"(\d+) trainings are already running on this computer, as many as its cores allow: "
        r"pause one \(or wait for it to finish\), then try again",
        "这台计算机上已有 {0} 个训练在进行，这是它的核心数允许的上限：请暂停其中一个（或等它结束），再试一次",
    ),
    (
        r"this training has (\w+): press Reset to start afresh",
        "这次训练的状态是“{0}”：请按“重置”重新开始",
    ),
    (
        r"slow motion needs a paused training, this one is (\w+)",
        "慢动作需要已暂停的训练，这次训练的状态是“{0}”",
    ),
    (r"slow motion draws D's map: it is for 2-D data", "慢动作画的是 D 的决策图：只用于二维数据"),
    (
        r"(.+) is not a readable ganlab checkpoint \((\w+)\); was it truncated or written by "
        r"another program\?",
        "{0} 不是可读取的 ganlab 检查点（{1}）；它是否被截断了，或是由其他程序写入的？",
    ),
    (
        r"(.+) is a torch file but not a ganlab checkpoint",
        "{0} 是 torch 文件，但不是 ganlab 检查点",
    ),
    (
        r"(.+) has checkpoint version (\S+); this ganlab reads version (\S+)",
        "{0} 的检查点版本是 {1}；这个 ganlab 读取的是版本 {2}",
    ),
)
