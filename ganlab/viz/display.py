"""Showing a figure in a notebook so that the repository page shows it too.

GitHub's notebook view cannot draw plotly's figure JSON: a notebook stored with plotly
output alone shows blank space where its central figures should be. `show` stores the
interactive figure and a PNG copy side by side in one output, so JupyterLab and VS Code
draw the interactive one and the repository page draws the picture.

The PNG comes from kaleido, which drives a Chrome or Chromium already on the machine
(Debian: `apt-get install chromium`). It never downloads one: without a browser the
figure is shown interactive only, and a warning says why the picture is missing.
"""

from __future__ import annotations

import atexit
import warnings

import plotly.graph_objects as go

_browser: list[bool] = []  # [True] once kaleido's browser runs for this process


def show(fig: go.Figure, width: int = 900, height: int | None = None) -> None:
    """Display `fig` interactive, with a PNG copy (`width` x `height` px) when one can be made."""
    size = {"width": width, "height": height or fig.layout.height or 450}
    try:
        _keep_browser()
        with warnings.catch_warnings():  # kaleido: "kopts ignored with a server", harmless
            warnings.simplefilter("ignore", UserWarning)
            fig.show(renderer="plotly_mimetype+png", **size)
    except (ValueError, RuntimeError, OSError) as e:  # no kaleido, or no Chrome to run it
        warnings.warn(f"figure shown without its PNG copy: {e}", stacklevel=2)
        fig.show(renderer="plotly_mimetype")


def _keep_browser() -> None:
    """Start kaleido's browser once and keep it: 1.5 s for the first PNG, 0.1 s after."""
    if not _browser:
        import kaleido  # imported here: only notebooks that store PNGs need it

        kaleido.start_sync_server(silence_warnings=True)
        atexit.register(kaleido.stop_sync_server, silence_warnings=True)
        _browser.append(True)
