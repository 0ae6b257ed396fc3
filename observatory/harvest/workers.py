"""Catalogue pages read in worker processes, for harvests bound by parsing.

Parsing and normalising a DCAT page (and checking it with SHACL) is Python work that a
second thread cannot run beside the first (the GIL). With ``processes`` > 1, the pages a
numbered catalogue announces are read ahead by that many worker processes (started by a
forkserver that has the readers loaded), each with its own HTTP session kept from page to
page; the harvest's own process walks the page chain and hands each page on as it comes.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import pickle
import signal
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import requests

from observatory.harvest import readers
from observatory.machine import usable_cores
from observatory.model import HarvestPage
from observatory.net.fetch import HttpSettings, make_session

MAX_AUTO = 4  # worker processes when the setting says "one per core"
_SESSION: requests.Session | None = None  # the worker's own, kept between its pages


def read_page_here(
    kind: str, url: str, catalogue_id: str, http: HttpSettings, shacl: int
) -> HarvestPage:
    """``readers.read_page`` in a worker process, through the worker's own session."""
    global _SESSION
    if _SESSION is None:
        _SESSION = make_session(http)
    return readers.read_page(kind, url, catalogue_id, http, shacl, _SESSION)


def _worker_start() -> None:
    """Ctrl-C is the command's to handle: a worker finishes its page and leaves when the
    command shuts the pool down, instead of dying with a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def worker_count(setting: int) -> int:
    """Worker processes for a harvest: ``settings.harvest_processes``, 0 meaning one per
    usable core (at most 4); 1 reads every page in the harvest's own process."""
    return setting if setting > 0 else min(MAX_AUTO, usable_cores())


def page_reader(
    kind: str, catalogue_id: str, http: HttpSettings, shacl: int
) -> Callable[[str], HarvestPage] | None:
    """What a worker runs for one page, or None when the settings cannot be sent to another
    process (a resolver made for a test, say): the pages are then read here."""
    try:
        pickle.dumps(http)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    return functools.partial(
        read_page_here, kind, catalogue_id=catalogue_id, http=http, shacl=shacl
    )


def page_workers(kind: str, processes: int) -> ProcessPoolExecutor:
    """``processes`` workers forked from a server that has loaded the reader of ``kind``."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["observatory.harvest.readers", readers.MODULES[kind]])
    pool = ProcessPoolExecutor(processes, mp_context=context, initializer=_worker_start)
    # Start them now, in the background, while the first page is read here: a worker is
    # otherwise started on the first page given to it, and the server's start (a Python
    # loading the readers) would hold the command up.
    warm = threading.Thread(target=_start_all, args=(pool, processes), daemon=True)
    warm.start()
    return pool


def _start_all(pool: ProcessPoolExecutor, processes: int) -> None:
    with contextlib.suppress(RuntimeError):  # shut down before it got there
        for _ in range(processes):
            pool.submit(os.getpid)
