"""The workbook as each user's app behind JupyterHub: the identity comes from the hub.

>>> hub_settings({"JUPYTERHUB_API_TOKEN": "t", "JUPYTERHUB_SERVICE_PREFIX": "/user/ann/",
...               "JUPYTERHUB_SERVICE_URL": "http://127.0.0.1:43001/user/ann/"})
HubSettings(ip='127.0.0.1', port=43001, base_url='/user/ann/')

``negotiation-workbook serve --hub`` is the command a spawner runs. JupyterHub hands its
user server everything through the environment (JupyterHub 2 and later pass no command
line options): where to listen (``JUPYTERHUB_SERVICE_URL``), the per-user prefix it is
served under (``JUPYTERHUB_SERVICE_PREFIX``), and the token and OAuth client with which
the server asks the hub who a visitor is. Hub mode is asked for with ``--hub``, never
guessed from those variables: a ``serve`` started by hand from a terminal inside a hub
session inherits them and must not take over the user server's port and identity.

Signing in is JupyterHub's own: its single-user server extension's identity provider
(:class:`jupyterhub.singleuser.extension.JupyterHubIdentityProvider`, OAuth with the hub,
its callback route, its sign-out, its xsrf handling), reused here unchanged but for one
thing. The hub user NAME becomes the identity ``member:NAME``, exactly what a member who
signs in under their own name is on a workbook server of its own
(:data:`workbook.access.MEMBER_PREFIX`); the page handler passes NAME to the kernel as it
does for a member, so every permission on plans applies unchanged. The hub only lets the
server's owner (and whom the hub grants ``access:servers``) through; each user's server
thus serves its owner, acting for them in the shared store. A workshop participant's
cookie (:mod:`workbook.join`) is still honoured on the routes that admit one.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from jupyter_server.auth.identity import User
from jupyter_server.utils import url_path_join
from jupyterhub.singleuser.extension import JupyterHubIdentityProvider
from tornado import web

from workbook.access import MEMBER_PREFIX, PARTICIPANT_LOOKUP
from workbook.errors import WorkbookError

__all__ = ["HUB_ENV", "HubIdentityProvider", "HubSettings", "hub_headers", "hub_settings"]

log = logging.getLogger(__name__)

HUB_ENV = ("JUPYTERHUB_API_TOKEN", "JUPYTERHUB_SERVICE_PREFIX", "JUPYTERHUB_SERVICE_URL")
"""What a JupyterHub spawner sets for its user server, and hub mode needs."""


@dataclass(frozen=True)
class HubSettings:
    """Where the user server listens and the prefix it is served under."""

    ip: str
    port: int
    base_url: str


def hub_settings(env: Mapping[str, str]) -> HubSettings:
    """The address and prefix the hub's spawner gave in ``env``; a clear error when the
    server was not started by a hub."""
    missing = [name for name in HUB_ENV if not env.get(name)]
    if missing:
        raise WorkbookError(
            f"--hub: {', '.join(missing)} not set; the hub's spawner sets them "
            "(run `serve --hub` as the spawner's command)"
        )
    url = urlsplit(env["JUPYTERHUB_SERVICE_URL"])
    try:
        port = url.port or (443 if url.scheme == "https" else 80)
    except ValueError:
        raise WorkbookError("--hub: JUPYTERHUB_SERVICE_URL holds no valid port") from None
    prefix = env["JUPYTERHUB_SERVICE_PREFIX"]
    if not prefix.startswith("/"):
        raise WorkbookError("--hub: JUPYTERHUB_SERVICE_PREFIX must start with /")
    return HubSettings(ip=url.hostname or "0.0.0.0", port=port, base_url=prefix.rstrip("/") + "/")


def hub_headers() -> dict[str, str]:
    """Headers of every answer: the hub version this server speaks, as the hub's own
    single-user server sends it (the hub warns about a server without it)."""
    from jupyterhub import __version__

    return {"X-JupyterHub-Version": __version__}


class HubIdentityProvider(JupyterHubIdentityProvider):
    """JupyterHub's identity provider, giving the hub user NAME as the member ``NAME``.

    Someone the hub does not sign in is sent to the hub's sign-in (OAuth) on every route
    but the few that admit a workshop participant's cookie, where that cookie counts.
    """

    async def get_user(self, handler: web.RequestHandler) -> User | None:  # type: ignore[override]
        hub_user = await super().get_user(handler)
        if hub_user is not None:
            name = hub_user.username
            return User(
                MEMBER_PREFIX + name,
                name=hub_user.name or name,
                display_name=hub_user.display_name or name,
                initials=hub_user.initials or name[:1].upper(),
                avatar_url=None,
                color=None,
            )
        if getattr(handler, "admits_participants", False):
            lookup = handler.settings.get(PARTICIPANT_LOOKUP)
            return lookup(handler) if lookup is not None else None
        return None

    def get_handlers(self) -> list[Any]:
        """The hub's sign-out and OAuth callback, under the server's prefix (standalone
        Voilà adds no prefix to an identity provider's routes)."""
        base = self.hub_auth.base_url
        return [(url_path_join(base, rule[0]), *rule[1:]) for rule in super().get_handlers()]
