"""``nqengine serve``: the HTTP service (ASGI) over :mod:`nqengine.store`.

:func:`create_app` builds the Starlette application for a store; the
``serve``, ``token``, ``log`` and ``replay`` subcommands live in
:mod:`nqengine.service.commands`.  Needs the ``server`` extra
(``python -m pip install 'nqengine[server]'``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def create_app(store: Any, **kwargs: Any) -> Any:
    """The ASGI application serving ``store``'s specs (see :func:`nqengine.service.app.create_app`)."""
    from nqengine.service.app import (
        create_app as _create,  # Starlette is optional (the `server` extra)
    )

    return _create(store, **kwargs)
