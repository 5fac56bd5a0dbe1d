"""Subcommands of `plan-assistant`; each module exposes `register(subparsers)`."""
