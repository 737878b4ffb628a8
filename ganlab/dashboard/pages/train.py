"""Page script run by st.navigation (see app.py): the Train page."""

from ganlab.dashboard import train_page

train_page.render()
