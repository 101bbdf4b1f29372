"""The set-password link of a reset token, as pages and commands show it to an administrator."""

from __future__ import annotations

from flask import current_app, has_request_context, url_for


def reset_link(token: str) -> str:
    """The full link, as an administrator passes it on; on the command line without SERVER_NAME, only its path.

    Outside a request Parley knows its public address only from SERVER_NAME; without it, the administrator
    puts the site's address in front of the path.
    """
    if has_request_context():
        return url_for("auth.reset_password", token=token, _external=True)
    if current_app.config.get("SERVER_NAME"):
        scheme = "https" if current_app.config.get("HTTPS") else current_app.config["PREFERRED_URL_SCHEME"]
        return url_for("auth.reset_password", token=token, _external=True, _scheme=scheme)
    adapter = current_app.url_map.bind("", script_name=current_app.config["APPLICATION_ROOT"])
    return adapter.build("auth.reset_password", {"token": token})
