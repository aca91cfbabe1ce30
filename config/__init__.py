"""Configuration: the settings schema, CGRU's config, the pool service's options."""
