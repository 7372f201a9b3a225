"""Command-line interface: ``flask --app pulse <group> <command>``.

Commands call the same operations as the views and commit once when they succeed.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from .areas import areas
    from .demo import demo
    from .distribution import codes, distribute
    from .instruments import instruments
    from .responses import responses
    from .waves import waves

    for group in (areas, instruments, waves, responses, demo, distribute, codes):
        app.cli.add_command(group)
    from .tokens import token
    from .users import users
    if "token" not in users.commands:
        users.add_command(token)
    app.cli.add_command(users)
    from .estimates import aggregate, estimates, jobs, scheduler
    for command in (aggregate, estimates, scheduler, jobs):
        app.cli.add_command(command)
    from .text import text
    app.cli.add_command(text)
    from .exports import export
    app.cli.add_command(export)
    from .packs import pack
    app.cli.add_command(pack)
