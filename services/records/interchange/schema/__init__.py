"""The published message schemas. A package only so that the wheel carries these JSON files: the
project's package-data rule ("*": "*.json") reaches files in packages, not in plain folders."""
