"""``flask --app app <command>``: each feature keeps its commands in its own module."""

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.cli import accounts, demo, events, matching, operations, synthetic

    for module in (accounts, demo, matching, events, operations, synthetic):
        for command in module.COMMANDS:
            app.cli.add_command(command)
