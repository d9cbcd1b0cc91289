"""Sub-commands beyond check/evaluate/schema. Each module here defines ``register(subparsers)``;
the CLI discovers them, so a new command is a new file, not an edit to cli.py."""
