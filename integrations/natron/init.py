# afpools: a Pool choice on CGRU's Afanasy nodes. Written by "main.py install-natron".
# Natron runs every init.py in NATRON_PLUGIN_PATH at start; this folder is afpools' own, so
# CGRU's plugins/natron/init.py stays as it is.
import afpools_natron

afpools_natron.install()
