"""Command line: `plan-assistant <command>`; one module per subcommand in `cli/commands/`."""
