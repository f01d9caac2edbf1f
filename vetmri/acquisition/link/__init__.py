"""The scanner link: vetmri's own protocol for a workstation driving a scanner over TCP,
on MRD framing (``docs/scanner-link.md``).

- :class:`LinkBackend` (workstation side): the backend contract over the network.
- :class:`LinkServer` (scanner side): serves any backend, e.g. the simulator
  (``vetmri sim-server``).
"""

from vetmri.acquisition.link.backend import LinkBackend, parse_address
from vetmri.acquisition.link.messages import PROTOCOL_VERSION
from vetmri.acquisition.link.server import LinkServer

__all__ = ["PROTOCOL_VERSION", "LinkBackend", "LinkServer", "parse_address"]
