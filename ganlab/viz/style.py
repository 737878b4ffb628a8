"""Colours and fonts shared by every figure (large enough for a projector)."""

REAL_COLOUR = "#1f2a44"  # real data: dark navy dots
FAKE_COLOUR = "#ff7f0e"  # G's samples: orange
ARROW_COLOUR = "#111111"  # G's push
REAL_LINE_COLOUR = "#1f77b4"  # the first curve of a panel (D's side)
FONT = {"size": 14}
MANIFOLD_COLOUR = "#6a3d9a"  # G's manifold: purple grid lines
