"""The Streamlit dashboard (run `streamlit run app.py`): Train, Latent explorer, Dirac-GAN
and Compare pages.

worker.py trains in a background thread and knows nothing of Streamlit; session.py
gives each browser session its own worker; the *_page.py modules draw the pages.
"""

from pathlib import Path

PAGES = Path(__file__).parent / "pages"  # the thin scripts st.navigation runs
