"""Command-line interface: ``flask --app pulse <group> <command>``.

Commands call the same operations as the views and commit once when they succeed.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from .areas import areas
    from .database_errors import explain_database_errors
    from .demo import demo
    from .distribution import codes, distribute
    from .estimates import aggregate, estimates, jobs, scheduler
    from .exports import export
    from .instruments import instruments
    from .packs import pack
    from .responses import responses
    from .text import text
    from .tokens import token
    from .users import users
    from .waves import waves

    if "token" not in users.commands:
        users.add_command(token)
    for command in (areas, instruments, waves, responses, demo, distribute, codes, users,
                    aggregate, estimates, scheduler, jobs, text, export, pack):
        explain_database_errors(command)
        app.cli.add_command(command)
