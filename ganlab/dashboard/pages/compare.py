"""Page script run by st.navigation (see app.py): two runs side by side."""

from ganlab.dashboard import compare_page

compare_page.render()
