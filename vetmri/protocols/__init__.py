"""Species protocols and exam planning: ``species_protocols/`` adapted to a pet's species,
size and region, validated against the scanner profile (min TE/TR, scan time, SNR)."""
