"""CGRU's own AfStarter with a Pool combo beside its hosts mask (``main.py afstarter``).

Nothing of CGRU's is changed: :mod:`integrations.afstarter.launcher` runs CGRU's
``afstarter.py`` as it is, after giving Qt what it needs (:mod:`.qprocess_shim`) and
arranging for the combo (:mod:`.pool_row`) to join the dialog before its event loop starts.
Qt comes from CGRU's own ``Qt.py`` shim, so these modules work with whichever binding it picks.
"""
