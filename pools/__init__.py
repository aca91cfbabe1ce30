"""The domain of render pools and its storage; plain Python, no Qt."""
