"""Phantom QA: scan the QA phantom, measure SNR, uniformity, ghosting, geometry, slice
thickness, the Larmor frequency and the RF scale, and judge them against the scanner
profile's ``[qa]`` limits (``vetmri qa run``, the QA screen).

- :func:`vetmri.qa.run.run_qa`: the whole run on the configured scanner -> :class:`QaResult`;
- :mod:`vetmri.qa.measures`: the image measurements (ACR methods);
- :mod:`vetmri.qa.judge`: numbers against limits, one sentence per measure;
- :mod:`vetmri.qa.trend`: a measure's history as series for plots.

UI-free: nothing here imports textual or rich. This module imports nothing heavy.
"""

from vetmri.qa.result import MEASURES, QaMeasure, QaResult

__all__ = ["MEASURES", "QaMeasure", "QaResult"]
