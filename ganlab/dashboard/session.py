"""One training worker per browser session, stopped when the session ends.

`session_slot()` is cached with scope="session": each browser tab gets its own `Slot`,
and when the tab's session ends (or st.cache_resource.clear() runs) Streamlit calls
`Slot.close`, which stops the worker's thread. That call is not guaranteed when the
server itself shuts down, which is why the worker's thread is a daemon as well.
"""

from __future__ import annotations

import streamlit as st

from ganlab.dashboard.worker import Worker


class Slot:
    """Holds this session's worker (or None); replacing it stops the old one."""

    def __init__(self) -> None:
        self.worker: Worker | None = None

    def replace(self, worker: Worker | None) -> None:
        old, self.worker = self.worker, worker
        if old is not None and old is not worker:
            old.stop()

    def close(self) -> None:
        self.replace(None)


@st.cache_resource(scope="session", on_release=Slot.close, show_spinner=False)
def session_slot() -> Slot:
    """This browser session's slot (the same object on every rerun of the session)."""
    return Slot()


@st.cache_resource(
    scope="session", on_release=lambda pair: [s.close() for s in pair], show_spinner=False
)
def pair_slots() -> tuple[Slot, Slot]:
    """This session's two slots for the Compare page's runs A and B (apart from the Train
    page's slot, so comparing never stops the run being trained there)."""
    return Slot(), Slot()


def flash(kind: str, message: str) -> None:
    """Queue a message for the next run of the page (callbacks run before the page)."""
    st.session_state.setdefault("flash", []).append((kind, message))


def show_flashes() -> None:
    for kind, message in st.session_state.pop("flash", []):
        getattr(st, kind)(message)
