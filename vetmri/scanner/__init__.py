"""The scanner profile: field, gradient and RF limits, rasters, bore and coils."""

from vetmri.scanner.profile import (
    Coil,
    ScannerProfile,
    default_profile_path,
    load_profile,
    parse_profile,
)

__all__ = ["Coil", "ScannerProfile", "default_profile_path", "load_profile", "parse_profile"]
