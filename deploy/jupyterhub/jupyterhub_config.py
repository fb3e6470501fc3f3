"""JupyterHub on one machine, running the negotiation workbook as every user's app.

    jupyterhub -f deploy/jupyterhub/jupyterhub_config.py

Each person signs in at the hub; the hub starts their own workbook server
(``negotiation-workbook serve --hub``), which shows the workbook and nothing else, and
acts for them, under their hub name, in the shared PostgreSQL store. People in the
``analysts`` group may also start JupyterLab (a named server) with ``workbook`` installed.
Every server gets the address of its person's own database role, never the store owner's:
the database's row-level security keeps each role to its person's plans. See README.md.

Environment read by this file:

- ``NEGOTIATION_WORKBOOK_DB``: the store owner's address,
  ``postgresql://USER:PASSWORD@HOST:5432/DATABASE`` (required; the role owns the database
  and has CREATEROLE). It stays with the hub: user servers get their own role's address.
- ``WORKBOOK_HUB_PASSWORD``: set it to try the hub with the dummy authenticator (anyone
  signs in under any name with this one password; every server runs as the hub's system
  user, so JupyterLab stays off). Unset, people sign in with their accounts on this
  machine (PAM) and each server runs under its person's account.
- ``WORKBOOK_HUB_USERS``: names allowed to sign in, separated by commas (PAM only; with
  the dummy authenticator everyone is allowed).
- ``WORKBOOK_HUB_ANALYSTS``: names in the ``analysts`` group, separated by commas.
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
trial = bool(os.environ.get("WORKBOOK_HUB_PASSWORD"))
if trial:
    c.JupyterHub.authenticator_class = "dummy"  # a trial: one shared password, any name
    c.DummyAuthenticator.password = os.environ["WORKBOOK_HUB_PASSWORD"]
    c.Authenticator.allow_all = True
else:
    c.JupyterHub.authenticator_class = "pam"  # the machine's own accounts
    c.Authenticator.allowed_users = {
        name.strip() for name in os.environ.get("WORKBOOK_HUB_USERS", "").split(",") if name.strip()
    }

# --- every user's server: the workbook app; JupyterLab for analysts -------------------------
# A trial runs every server as the hub's own system user (SimpleLocalProcessSpawner); with
# PAM each runs under its person's account (LocalProcessSpawner), so that code in one
# person's JupyterLab cannot read another's processes, nor the hub's.
if trial:
    c.JupyterHub.spawner_class = "simple"
    c.SimpleLocalProcessSpawner.home_dir_template = str(state / "users" / "{username}")
else:
    c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [sys.executable, "-m", "workbook.cli", "serve", "--hub"]
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120

# Each server's own database role: a fresh password at every start, taken away at its stop.
from workbook.team_roles import spawn_hooks  # noqa: E402

c.Spawner.pre_spawn_hook, c.Spawner.post_stop_hook = spawn_hooks(
    os.environ["NEGOTIATION_WORKBOOK_DB"],
    analysts="analysts",
    lab=not trial,
    lab_cmd=[str(Path(sys.executable).parent / "jupyterhub-singleuser")],
)
c.JupyterHub.allow_named_servers = True  # an analyst's second server is JupyterLab
c.JupyterHub.named_server_limit_per_user = 1
c.JupyterHub.load_groups = {
    "analysts": {
        "users": [
            name.strip()
            for name in os.environ.get("WORKBOOK_HUB_ANALYSTS", "").split(",")
            if name.strip()
        ]
    }
}

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
