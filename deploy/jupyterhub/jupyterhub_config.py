"""JupyterHub on one machine, running the negotiation workbook as every user's app.

    jupyterhub -f deploy/jupyterhub/jupyterhub_config.py

Each person signs in at the hub; the hub starts their own workbook server
(``negotiation-workbook serve --hub``), which shows the workbook and nothing else, and
acts for them, under their hub name, in the shared PostgreSQL store. See README.md here.

Environment read by this file:

- ``NEGOTIATION_WORKBOOK_DB``: the store, ``postgresql://USER:PASSWORD@HOST:5432/DATABASE``
  (required); every user server gets it.
- ``WORKBOOK_HUB_PASSWORD``: set it to try the hub with the dummy authenticator (anyone
  signs in under any name with this one password). Unset, people sign in with their
  accounts on this machine (PAM).
- ``WORKBOOK_HUB_USERS``: names allowed to sign in, separated by commas (PAM only; with
  the dummy authenticator everyone is allowed).
- ``WORKBOOK_HUB_STATE``: folder for the hub's own state and the user servers' working
  folders (default ``/var/lib/negotiation-workbook``).
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 -- given by JupyterHub when it reads this file

state = Path(os.environ.get("WORKBOOK_HUB_STATE", "/var/lib/negotiation-workbook"))
(state / "users").mkdir(parents=True, exist_ok=True)

# --- the hub -------------------------------------------------------------------------------
c.JupyterHub.bind_url = "http://:8000"  # put a TLS-terminating proxy in front in production
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"  # the hub's own state
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.ConfigurableHTTPProxy.pid_file = str(state / "jupyterhub-proxy.pid")

# --- who signs in --------------------------------------------------------------------------
if os.environ.get("WORKBOOK_HUB_PASSWORD"):
    c.JupyterHub.authenticator_class = "dummy"  # a trial: one shared password, any name
    c.DummyAuthenticator.password = os.environ["WORKBOOK_HUB_PASSWORD"]
    c.Authenticator.allow_all = True
else:
    c.JupyterHub.authenticator_class = "pam"  # the machine's own accounts
    c.Authenticator.allowed_users = {
        name.strip() for name in os.environ.get("WORKBOOK_HUB_USERS", "").split(",") if name.strip()
    }

# --- every user's server: the workbook app -------------------------------------------------
# The app runs no code of its visitors (its kernels take widget messages only), so one
# service account may run every user's server; the store keeps each person to their plans.
c.JupyterHub.spawner_class = "simple"  # SimpleLocalProcessSpawner: as the hub's own user
c.SimpleLocalProcessSpawner.home_dir_template = str(state / "users" / "{username}")
c.Spawner.cmd = [sys.executable, "-m", "workbook.cli", "serve", "--hub"]
c.Spawner.environment = {"NEGOTIATION_WORKBOOK_DB": os.environ["NEGOTIATION_WORKBOOK_DB"]}
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120

# --- idle servers are stopped --------------------------------------------------------------
# The hub's idle culler stops a user's server an hour after its last activity; inside a
# server, the app frees the kernel of a closed page within two minutes on its own.
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=3600"],
    }
]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
