@echo off
rem Name=AfStarter with pools...
rem Icon=afpools.png
rem CGRU's own AfStarter with a Pool choice next to its hosts mask ("main.py afstarter").
set "AFPOOLS_WHAT=AfStarter with pools"
call "%~dp040.render_pools.cmd" afstarter %*
