#!/bin/bash
# Name=AfStarter with pools...
# Icon=afpools.png
# CGRU's own AfStarter with a Pool choice next to its hosts mask ("main.py afstarter").
AFPOOLS_WHAT="AfStarter with pools" exec "$(dirname "$0")/40.render_pools.sh" afstarter "$@"
