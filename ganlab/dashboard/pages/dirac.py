"""Page script run by st.navigation (see app.py): the Dirac-GAN."""

from ganlab.dashboard import dirac_page

dirac_page.render()
