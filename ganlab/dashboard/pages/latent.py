"""Page script run by st.navigation (see app.py): the Latent explorer."""

from ganlab.dashboard import latent_page

latent_page.render()
