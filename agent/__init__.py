"""The agent: makes the masks of afserver's jobs exact for the pool tokens they hold.

It reads afserver's jobs, decides with ``pools.jobs`` what each must hold, writes it in as
few actions as possible, reads it back and remembers it in ``bindings``. One agent acts at a
time, holding the lease in MongoDB. ``main.py agent`` runs it alone, ``main.py serve``
beside the pool service; only ``cli`` and ``poolserver`` import this package.
"""
