"""Client of the afserver JSON API; plain Python, no Qt.

``client.AfserverClient`` reads and changes the farm (one TCP connection per request),
``renders.hosts_from_renders`` turns render objects into ``Host`` values, ``framing`` holds
the raw and HTTP wire framings, and ``errors`` the one-sentence failures callers catch.
"""
