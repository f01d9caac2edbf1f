"""Runtime hook of the vetmri binary: matplotlib is left out, imports of it still work.

pypulseq imports ``matplotlib.pyplot`` at the top of its ``Sequence`` module but uses it only
in its plotting methods (``Sequence.plot``, ``calc_pns(do_plots=True)``, ...), which no vetmri
command calls. Bundling matplotlib (with kiwisolver, contourpy, fontTools, pyparsing and its
fonts) would add ~30 MB that every start unpacks. This hook answers imports of ``matplotlib``
and ``mpl_toolkits`` with a module whose every name is a placeholder: importing and naming
things works, and calling or using one raises ``RuntimeError`` saying plotting is not in the
binary, so a future command that plots fails loudly instead of drawing nothing.
"""

import importlib.abc
import importlib.machinery
import sys
import types

_LEFT_OUT = ("matplotlib", "mpl_toolkits")
_WHY = "plotting (matplotlib) is not part of the vetmri binary; run vetmri from Python to plot"


class _LeftOut:
    """A name inside a left-out module: usable in annotations and imports, not in use."""

    def __init__(self, name):
        self._name = name

    def __getattr__(self, attribute):
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        return _LeftOut(f"{self._name}.{attribute}")

    def __call__(self, *args, **kwargs):
        raise RuntimeError(f"{self._name}: {_WHY}")

    def __getitem__(self, key):
        raise RuntimeError(f"{self._name}: {_WHY}")

    def __repr__(self):
        return f"<{self._name}: left out of the vetmri binary>"


class _LeftOutModule(types.ModuleType):
    def __getattr__(self, attribute):
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        return _LeftOut(f"{self.__name__}.{attribute}")


class _LeftOutFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] not in _LEFT_OUT:
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec):
        module = _LeftOutModule(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module):
        pass


sys.meta_path.insert(0, _LeftOutFinder())
