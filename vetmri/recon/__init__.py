"""Reconstruction: raw MRD data to images (Cartesian, partial Fourier, coil combination,
compressed sensing, denoising) and QA metrics."""
