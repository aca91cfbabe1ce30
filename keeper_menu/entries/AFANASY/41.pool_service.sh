#!/bin/bash
# Name=Pool Service Settings...
# Icon=afpools.png
# The settings of "main.py serve" (address, ports, TLS, write token) in a dialog.
exec "$(dirname "$0")/40.render_pools.sh" serve --configure --gui "$@"
