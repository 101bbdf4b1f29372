"""`flask reports ...`: the report exports from the command line."""

import click

reports_cli = click.Group("reports", help="Export progress, attempts, responses and item statistics.")
