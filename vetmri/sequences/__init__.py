"""Pulseq sequence builders; the only package that imports pypulseq (always lazily)."""
