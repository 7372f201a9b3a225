"""``flask --app pulse demo ...``"""
from __future__ import annotations

import click


@click.group(help="The demonstration database: Lewisham wards and simulated responses.")
def demo() -> None:
    pass
