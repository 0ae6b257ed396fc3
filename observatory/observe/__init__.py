"""The observe engine: one cycle harvest → classify → probe → inspect → score → store,
without Prefect. ``run_observe`` is the entry point; ``flows/observe.py`` wraps it."""

from observatory.observe.run import ObserveResult, run_observe
from observatory.observe.runner import InProcessRunner, Runner

__all__ = ["InProcessRunner", "ObserveResult", "Runner", "run_observe"]
