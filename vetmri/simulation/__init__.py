"""Low-field physics simulator: phantoms, tissue library, signal engine, hardware effects."""
