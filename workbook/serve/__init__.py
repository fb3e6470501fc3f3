"""Serve the workbook app with standalone Voilà, locked down for a local single-user app.

>>> serve(8866, db=Path("plans.sqlite"))  # doctest: +SKIP

What the configuration in :func:`voila_config` guarantees, and why:

- standalone Voilà on one notebook, never the Jupyter server extension (which would let a
  visitor run code); the kernel accepts only widget (comm) and kernel-info messages;
- loopback by default, with no sign-in, because the app is for the person at this
  machine; on any other address (``ip``, for a workshop on a room's network) every
  visitor signs in first, with the token printed in the log (a ready-to-open address) or
  a password given as a hash: jupyter_server's identity provider checks both, and a
  visitor who has not signed in gets a plain sign-in page and nothing else (no kernel);
  serving a network without sign-in takes an explicit ``sign_in=False`` and is logged
  as a warning; the sign-in cookie is HttpOnly, both cookies SameSite=Lax, and the
  xsrf check stays;
- the ``Host`` header is checked on every route, on loopback and on a network, so that a
  web page cannot reach the app through DNS rebinding (:class:`AllowedHosts`);
- sources stripped, tracebacks replaced by a neutral message in pages and in kernel
  messages, no template or theme chosen from the URL, no configuration files read;
- ``/voila/files/`` serves nothing but images under the notebook folder's ``assets/``,
  and never the plan database, even when it lives inside that folder;
- the app's reaper alone frees the kernels it handed to pages (jupyter_server's idle
  culler keeps to kernels no page was given): a kernel whose page is gone goes after
  :data:`CULL_IDLE_TIMEOUT` seconds, whatever it outputs (a workshop timer keeps no
  closed page's kernel); one whose page never connected goes :data:`UNCONNECTED_TIMEOUT`
  seconds after its page was sent, or after the page's browser last fetched one of the
  page's files or asked for its kernel, yet never later than :data:`LOADING_TIMEOUT`
  seconds after the page was sent (a slow browser still loading keeps its kernel; a bare
  GET, a crawler or a flood does not); one whose open page sends nothing goes after
  :data:`CONNECTED_IDLE_TIMEOUT`; the page's own shutdown beacon on unload is honoured;
- at most ``max_kernels`` pages have a kernel at once (:data:`MAX_KERNELS` by default),
  and with sign-in at most :data:`KERNELS_PER_CLIENT` per client address and
  :data:`KERNELS_PER_USER` per user; further visitors get a short "busy, try again
  shortly" page (HTTP 503, Retry-After) instead of a kernel, so a burst of requests
  cannot exhaust the machine's memory nor lock others out;
- the page asks no other host: the lab template's icon stylesheets on a CDN are dropped;
- the kernel websocket speaks only the v1 kernel protocol: the legacy protocol lets a
  crafted request for binary widget state hang the server;
- kernel messages on their way to the page carry no traceback and no standard error
  output (both go to the server's log instead);
- the app notebook is signed at start-up in a signature store held in memory: the server
  trusts the notebook it was given to serve, says nothing about trust on each page, and
  writes nothing to the user's Jupyter folders;
- Ctrl-C stops the server as SIGTERM does: the event loop ends, kernels are shut down, and
  no half-started task is interrupted mid-way (which printed a traceback).
"""

from __future__ import annotations

from workbook.serve.config import serve, voila_config
from workbook.serve.handlers import busy_page
from workbook.serve.kernels import KernelCap, Timers
from workbook.serve.limits import (
    APP_NOTEBOOK,
    ASSET_PATTERNS,
    BUSY_TEXT,
    BUSY_TITLE,
    CONNECTED_IDLE_TIMEOUT,
    CULL_IDLE_TIMEOUT,
    CULL_INTERVAL,
    DENY_PATTERNS,
    ERROR_MESSAGE,
    FRONTEND_EXTENSIONS,
    IOPUB_TIMEOUT,
    KERNEL_MEMORY,
    KERNEL_WS_PROTOCOL,
    KERNELS_PER_CLIENT,
    KERNELS_PER_USER,
    LOADING_TIMEOUT,
    MAX_KERNELS,
    REAP_INTERVAL,
    RETRY_AFTER,
    SIGN_IN_REQUIRED,
    TEMPLATE,
    UNCONNECTED_TIMEOUT,
    app_notebook_path,
    sign_in_required,
)
from workbook.serve.voila_app import WorkbookVoila

__all__ = [
    "APP_NOTEBOOK",
    "ASSET_PATTERNS",
    "BUSY_TEXT",
    "BUSY_TITLE",
    "CONNECTED_IDLE_TIMEOUT",
    "CULL_IDLE_TIMEOUT",
    "CULL_INTERVAL",
    "DENY_PATTERNS",
    "ERROR_MESSAGE",
    "FRONTEND_EXTENSIONS",
    "IOPUB_TIMEOUT",
    "KERNELS_PER_CLIENT",
    "KERNELS_PER_USER",
    "KERNEL_MEMORY",
    "KERNEL_WS_PROTOCOL",
    "LOADING_TIMEOUT",
    "MAX_KERNELS",
    "REAP_INTERVAL",
    "RETRY_AFTER",
    "SIGN_IN_REQUIRED",
    "TEMPLATE",
    "UNCONNECTED_TIMEOUT",
    "KernelCap",
    "Timers",
    "WorkbookVoila",
    "app_notebook_path",
    "busy_page",
    "serve",
    "sign_in_required",
    "voila_config",
]
