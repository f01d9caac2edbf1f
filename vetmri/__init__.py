"""vetmri: workstation software for a 0.2 T veterinary MRI scanner.

The package is a UI-free core (``scanner``, ``protocols``, ``sequences``, ``simulation``,
``rawdata``, ``acquisition``, ``recon``, ``records``, ``dicom``) under two thin front ends
(``cli`` and ``tui``). Importing this package imports nothing heavy: the start-up of
``vetmri --version`` depends on it.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
