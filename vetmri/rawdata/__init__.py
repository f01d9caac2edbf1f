"""MRD/ISMRMRD raw files: append-and-flush writing, reading, sorting by encoding counters."""
