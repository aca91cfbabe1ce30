"""The installer of CGRU Keeper's menu entries; no Qt. The entries live in ``entries/``, a
folder of their own, because Keeper makes a submenu of every folder it finds there."""
