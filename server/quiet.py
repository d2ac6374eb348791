"""Quiet start-up: the known deprecation notices of Rasa 3.6's dependencies, and nothing else.

Rasa 3.6 pulls in libraries that print pages of DeprecationWarnings when the servers start
(pkg_resources, sanic_cors, matplotlib, SQLAlchemy, TensorFlow's jax shim), before "ready". They
are harmless and not ours to fix. PYTHONWARNINGS cannot hide them: Sanic calls
``warnings.filterwarnings("once")`` when it is imported, ahead of any filter from the environment.
So these filters go in after Sanic is imported, for those modules' DeprecationWarnings only; any
other warning, and every error, still shows.
"""

from __future__ import annotations

import warnings

KNOWN = (  # (module whose DeprecationWarnings are hidden, why they are known)
    (r"pkg_resources(\..*)?", "setuptools' own deprecation of pkg_resources and declare_namespace"),
    (r"rasa\.shared\.utils\.validation", "Rasa 3.6 imports pkg_resources"),
    (r"sanic_cors\.extension", "sanic_cors uses distutils' LooseVersion"),
    (r"matplotlib\..*", "matplotlib 3.5 calls pyparsing's old names"),
    (r"rasa\.core\.tracker_store", "Rasa 3.6 builds SQLAlchemy URLs the 1.3 way"),
    (r"tensorflow\..*", "TensorFlow 2.12's lite module imports jax.xla_computation"),
)


# The modules that print them when first imported: imported here once with those notices
# silenced, so the later imports (already cached) print nothing. Rasa's CLI inserts its own
# "once" filter for UserWarning later, ahead of any filter set here, and pyparsing's notices are
# UserWarnings too, so filters alone would not hold.
NOISY_IMPORTS = ("pkg_resources", "sanic_cors.extension", "matplotlib.fontconfig_pattern", "matplotlib.pyplot",
                 "rasa.shared.utils.validation", "rasa.core.tracker_store")


def apply() -> None:
    import importlib

    import sanic  # noqa: F401 - import first: it adds its own "once" filter at import time

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for name in NOISY_IMPORTS:
            try:
                importlib.import_module(name)
            except ImportError:  # pragma: no cover - a library Rasa may drop
                pass
    for module, _why in KNOWN:
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=module)
