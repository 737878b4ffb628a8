"""The ganlab dashboard: `streamlit run app.py`.

Thin on purpose: the pages live in ganlab/dashboard/ (train_page.py, latent_page.py,
dirac_page.py, compare_page.py).
"""

import streamlit as st

from ganlab.dashboard import PAGES, i18n
from ganlab.dashboard.i18n import t

st.set_page_config(page_title="ganlab", page_icon=":material/blur_on:", layout="wide")
# Keep the Train page's settings while another page is shown: Streamlit forgets the
# state of widgets that are not drawn, unless it is written back on every run.
for key in [k for k in st.session_state if str(k).startswith("cfg.")]:
    st.session_state[key] = st.session_state[key]
i18n.switch()  # first in the sidebar, on every page; page titles below follow it
page = st.navigation(
    [
        st.Page(
            PAGES / "train.py", title=t("Train"), icon=":material/model_training:", default=True
        ),
        st.Page(PAGES / "latent.py", title=t("Latent explorer"), icon=":material/gesture:"),
        st.Page(PAGES / "dirac.py", title=t("Dirac-GAN"), icon=":material/swap_calls:"),
        st.Page(PAGES / "compare.py", title=t("Compare"), icon=":material/compare:"),
    ]
)
page.run()
