"""CGRU Keeper menu entries (AFANASY/*.sh, *.cmd) and their installer; no Qt."""
