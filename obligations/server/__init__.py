"""`obligations serve`: one backend behind HTTP (see app.py for the endpoints)."""

from .app import ServerConfig, create_app

__all__ = ["ServerConfig", "create_app"]
