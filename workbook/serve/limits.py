"""The server's limits and timers, the busy page's words, and where the app notebook is."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from workbook.access import is_loopback

APP_NOTEBOOK = "app.ipynb"
TEMPLATE = "lab"

KERNEL_WS_PROTOCOL = "v1.kernel.websocket.jupyter.org"
"""The only kernel websocket subprotocol the server accepts."""

ASSET_PATTERNS = [r"assets/[A-Za-z0-9_-]+\.(?:png|jpe?g|gif|webp|svg)"]
"""Files under /voila/files/ that may be served, relative to the notebook folder."""

DENY_PATTERNS = [
    r".*\.(?:ipynb|py|pyc|sqlite\d?|db|json|ya?ml|toml|cfg|ini|txt|md|wal|shm|journal)",
    r"(?:.*[/\\])?\..*",  # hidden files and folders, and any "." or ".." segment
]
"""Files under /voila/files/ that are refused even if an allow pattern matched."""

FRONTEND_EXTENSIONS = [
    "@jupyter-widgets/jupyterlab-manager",
    "@voila-dashboards/widgets-manager8",
    "jupyterlab-plotly",  # renders the charts' plotly MIME output
    "anywidget",  # the browser bridge: the remembered name box and the app's stylesheet
]
"""JupyterLab extensions the page loads; others installed alongside are left out."""

CULL_IDLE_TIMEOUT = 60
"""Seconds without activity or connection after which a kernel is shut down."""

IOPUB_TIMEOUT = 120
"""Seconds to wait for a cell's output after its reply; the wait ends as soon as it comes."""

CULL_INTERVAL = 15
"""Seconds between two looks of jupyter_server's idle culler, which frees kernels no page
was given after :data:`CULL_IDLE_TIMEOUT`; page kernels are left to the app's reaper."""

UNCONNECTED_TIMEOUT = 20
"""Seconds a kernel whose page never connected is kept after its page was sent, or after
that page's browser last fetched one of the page's files (scripts, styles, fonts) or
asked for its kernel. A plain GET, a crawler or a flood fetches nothing more: with
:data:`REAP_INTERVAL` its kernel is freed within 30 s. Fetching the page again is no sign
of loading for the kernels of earlier fetches."""

LOADING_TIMEOUT = 120
"""Seconds after its page was sent that a kernel whose page never connected is freed,
however long its browser goes on fetching the page's files: a slow machine's browser
connects well before; a client that only fetches files keeps no kernel longer."""

CONNECTED_IDLE_TIMEOUT = 30 * 60
"""Seconds a connected page may stay without sending anything before its kernel is
freed: an open socket alone does not hold a seat, and kernel output (a workshop timer)
is not the page's activity."""

KERNEL_START_ATTEMPTS = 3
"""How many times a kernel is launched, on new ports each time, when it exits before its
first reply (one of its ports was taken by another process between choice and bind)."""
KERNEL_START_TIMEOUT = 60
"""Seconds a starting kernel has to answer its first request (nbclient's default)."""

KERNEL_MEMORY = 1_500_000_000
"""Bytes of resident memory a page's kernel may use; ten times what one that has shown
every section needs. Above it the page is told and its kernel ended; the server goes on."""

REAP_INTERVAL = 5
"""Seconds between two looks of the app's reaper for page kernels to free."""

KERNELS_PER_CLIENT = 6
"""Page kernels one client address may hold at once when sign-in is required."""

KERNELS_PER_USER = 4
"""Page kernels one signed-in user may hold at once when sign-in is required."""

MAX_KERNELS = 48
"""Pages that may hold a kernel at once, by default.

A workshop is a facilitator and up to 30 participants; reloads and pages closed without
their unload beacon keep a kernel for up to ~75 s more, hence half as many again. At
~0.15 GB per kernel that has shown every section, 48 kernels take ~7 GB: room on a 16 GB
machine for the server, the browser and the operating system.
"""

RETRY_AFTER = 20
"""Seconds a visitor turned away while the server is busy is asked to wait."""

ERROR_MESSAGE = "The workbook hit an unexpected problem. Reload the page to start again."
"""Shown instead of any traceback, in the page and in kernel messages."""

BUSY_TITLE = "The workbook is busy"
BUSY_TEXT = (
    "Everyone's seat is taken just now. This page tries again by itself in "
    "{seconds} seconds; your saved work is safe."
)


def app_notebook_path() -> Path:
    """The app notebook: the copy inside the installed package, else the source checkout's."""
    packaged = resources.files("workbook").joinpath("notebooks").joinpath(APP_NOTEBOOK)
    if packaged.is_file():
        return Path(str(packaged)).resolve()
    checkout = Path(__file__).resolve().parents[2] / "notebooks" / APP_NOTEBOOK
    if checkout.is_file():
        return checkout
    raise FileNotFoundError(f"the app notebook {APP_NOTEBOOK} is missing from this installation")


def sign_in_required(ip: str, sign_in: bool | None, password_hash: str = "") -> bool:
    """Whether visitors must sign in: as asked, else on any address but loopback or when
    a password is set."""
    if sign_in is not None:
        return sign_in
    return bool(password_hash) or not is_loopback(ip)


SIGN_IN_REQUIRED = "workbook_sign_in_required"
"""Tornado setting: True when visitors must sign in (any address but loopback)."""
