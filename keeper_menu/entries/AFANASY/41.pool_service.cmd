@echo off
rem Name=Pool Service Settings...
rem Icon=afpools.png
rem The settings of "main.py serve" (address, ports, TLS, write token) in a dialog.
call "%~dp040.render_pools.cmd" serve --configure --gui %*
