"""Client of the afserver JSON API; plain Python, no Qt."""
