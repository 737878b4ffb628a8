"""The latent space: sampling z, and walking between latent vectors.

G maps z ~ N(0, I) to data. Two latent vectors can be joined by a straight line (lerp)
or by an arc (slerp). In high dimension almost all of N(0, I)'s mass lies near the
sphere of radius sqrt(z_dim), while the midpoint of a straight line between two samples
is shorter by about 1/sqrt(2): lerp walks through a region G rarely saw in training,
slerp stays on the shell.

    z = sample_z(2, 64, seed=0)            # (2, 64)
    strip = slerp(z[0], z[1], torch.linspace(0, 1, 8))   # (8, 64)
    walk = path(sample_z(5, 64, seed=1), steps_per_segment=10)   # (41, 64)
    square = grid(sample_z(4, 64, seed=2), rows=6, cols=6)        # (6, 6, 64)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import Tensor

from ganlab.checks import check_choice, check_int, fail

METHODS = ("lerp", "slerp")
Weights = float | Sequence[float] | Tensor  # one t, or T of them


def sample_z(
    n: int, z_dim: int, seed: int | None = None, device: str | torch.device = "cpu"
) -> Tensor:
    """n latent vectors z ~ N(0, I), shape (n, z_dim), float32 on `device`.

    With a seed, a private CPU generator draws them (then they move to `device`), so the
    same seed gives the same z on every device and torch's global RNG is left untouched.
    Without a seed, the global RNG is used (reproducible under torch.manual_seed).
    """
    check_int("n", n, minimum=0)
    check_int("z_dim", z_dim, minimum=1)
    if seed is None:
        return torch.randn(n, z_dim, device=device)
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(n, z_dim, generator=generator).to(device)


def _prepare(a: Tensor, b: Tensor, t: Weights) -> tuple[Tensor, Tensor, Tensor, bool]:
    """Check a, b; turn t into a tensor of shape (T, 1, ...) that broadcasts against a."""
    if not (isinstance(a, Tensor) and isinstance(b, Tensor)):
        fail("(a, b) types", (type(a).__name__, type(b).__name__), "both must be torch tensors")
    if a.dim() not in (1, 2) or not a.is_floating_point():
        fail("a.shape", tuple(a.shape), f"a must be a float tensor (D,) or (B, D), not {a.dtype}")
    if b.shape != a.shape:
        fail("b.shape", tuple(b.shape), f"it must equal a.shape = {tuple(a.shape)}")
    t = torch.as_tensor(t, dtype=a.dtype, device=a.device)
    if t.dim() > 1:
        fail("t.shape", tuple(t.shape), "t must be a number or a 1-D list of T numbers")
    scalar = t.dim() == 0
    t = t.reshape((-1,) + (1,) * a.dim())  # (T, 1) or (T, 1, 1)
    return a, b, t, scalar


def lerp(a: Tensor, b: Tensor, t: Weights) -> Tensor:
    """Linear interpolation (1 - t) * a + t * b.

    a, b: (D,) or (B, D). t a number -> shaped like a; t a 1-D list/tensor of T numbers
    -> (T, *a.shape). Exact at the ends: t = 0 gives a and t = 1 gives b, bit for bit
    (torch.lerp computes b - (b - a) * (1 - t) for t >= 0.5).
    """
    a, b, t, scalar = _prepare(a, b, t)
    out = torch.lerp(a, b, t)  # (T, *a.shape)
    return out[0] if scalar else out


def slerp(a: Tensor, b: Tensor, t: Weights) -> Tensor:
    """Spherical linear interpolation along the great-circle arc from a to b.

    For unit vectors u_a, u_b at angle omega (cos(omega) = u_a . u_b):
        slerp = sin((1 - t) * omega) / sin(omega) * u_a + sin(t * omega) / sin(omega) * u_b
    which stays on the unit sphere. Vectors of different norms: the direction follows
    the arc above and the norm goes linearly, |result| = (1 - t) * |a| + t * |b|, so unit
    vectors stay unit. Where the arc is ill-defined (a, b parallel or opposite, so
    sin(omega) ~ 0, or a zero vector) it falls back to lerp, which for parallel vectors
    is the same path. Shapes as in `lerp`; the ends are exact: a at t = 0, b at t = 1.
    """
    a, b, t, scalar = _prepare(a, b, t)
    norm_a = torch.linalg.vector_norm(a, dim=-1, keepdim=True)  # (..., 1)
    norm_b = torch.linalg.vector_norm(b, dim=-1, keepdim=True)
    unit_a = a / torch.where(norm_a > 0, norm_a, 1.0)
    unit_b = b / torch.where(norm_b > 0, norm_b, 1.0)
    # The angle between the unit vectors. arccos(u_a . u_b) would need the cosine clamped
    # to [-1, 1] and still loses half the digits near 0 and pi (cos is flat there); this
    # equivalent form is accurate at every angle and needs no clamp.
    chord = torch.linalg.vector_norm(unit_a - unit_b, dim=-1, keepdim=True)
    span = torch.linalg.vector_norm(unit_a + unit_b, dim=-1, keepdim=True)
    omega = 2 * torch.atan2(chord, span)  # (..., 1), in [0, pi]
    sin_omega = torch.sin(omega)
    # Below sqrt(eps) radians lerp is already exact to rounding (its sag is
    # 1 - cos(omega / 2) ~ omega^2 / 8 < eps); near pi the arc's plane is undefined.
    tiny = torch.finfo(a.dtype).eps ** 0.5
    degenerate = (sin_omega < tiny) | (norm_a == 0) | (norm_b == 0)
    safe_sin = torch.where(degenerate, 1.0, sin_omega)
    direction = (torch.sin((1 - t) * omega) * unit_a + torch.sin(t * omega) * unit_b) / safe_sin
    arc = direction * torch.lerp(norm_a, norm_b, t)  # (T, *a.shape)
    out = torch.where(degenerate, torch.lerp(a, b, t), arc)
    # Pin the ends bit for bit: sin and division may round a or b by an ulp.
    out = torch.where(t == 0, a, torch.where(t == 1, b, out))
    return out[0] if scalar else out


def _interpolator(method: str) -> Callable[[Tensor, Tensor, Weights], Tensor]:
    check_choice("method", method, METHODS)
    return lerp if method == "lerp" else slerp


def path(points: Tensor, steps_per_segment: int, method: str = "slerp") -> Tensor:
    """A walk through K latent points, `steps_per_segment` steps from one to the next.

    points: (K, D) with K >= 2. Returns ((K - 1) * steps_per_segment + 1, D): row
    i * steps_per_segment is points[i] exactly, and each joint appears once.
    """
    interpolate = _interpolator(method)
    check_int("steps_per_segment", steps_per_segment, 1)
    if points.dim() != 2 or points.shape[0] < 2:
        fail("points.shape", tuple(points.shape), "it must be (K, D) with K >= 2")
    # t = 0, 1/S, ..., (S-1)/S: each segment stops one step short of its end point,
    # which is the next segment's start (or the final point appended below).
    t = torch.arange(steps_per_segment, dtype=points.dtype, device=points.device)
    t = t / steps_per_segment
    segments = interpolate(points[:-1], points[1:], t)  # (S, K-1, D), all segments at once
    walk = segments.transpose(0, 1).reshape(-1, points.shape[1])  # ((K-1)*S, D)
    return torch.cat([walk, points[-1:]])


def grid(corners: Tensor, rows: int, cols: int, method: str = "slerp") -> Tensor:
    """A rows x cols sheet of latent vectors spanned by four corners.

    corners: (4, D) = top-left, top-right, bottom-left, bottom-right. Interpolates down
    the left and right edges, then across each row. Returns (rows, cols, D) with the
    corners exactly at [0, 0], [0, -1], [-1, 0], [-1, -1].
    """
    interpolate = _interpolator(method)
    check_int("rows", rows, 2)
    check_int("cols", cols, 2)
    if corners.dim() != 2 or corners.shape[0] != 4:
        fail("corners.shape", tuple(corners.shape), "it must be (4, D)")
    top_left, top_right, bottom_left, bottom_right = corners
    # k / (n - 1) is exactly 1 at k = n - 1, so the last row and column land on corners.
    down = torch.arange(rows, dtype=corners.dtype, device=corners.device) / (rows - 1)
    across = torch.arange(cols, dtype=corners.dtype, device=corners.device) / (cols - 1)
    left = interpolate(top_left, bottom_left, down)  # (rows, D)
    right = interpolate(top_right, bottom_right, down)  # (rows, D)
    sheet = interpolate(left, right, across)  # (cols, rows, D)
    return sheet.transpose(0, 1)  # (rows, cols, D)
