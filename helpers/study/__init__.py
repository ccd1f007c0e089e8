"""One run of a notebook: ``params`` (every parameter, checked), ``data_source`` (a clinic's export or the
synthetic cohort), ``study`` (the :class:`Study` every notebook starts with ``S = study.start(globals())``).
"""

import importlib

# Loaded on first use, as in helpers.synthetic: checking parameters needs only ``params``, not the statistics
# stack that the Study brings (pandas, matplotlib: seconds).
__all__ = ["Study", "output_folder", "start"]


def __getattr__(name: str):
    if name in __all__:
        return getattr(importlib.import_module(".study", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
