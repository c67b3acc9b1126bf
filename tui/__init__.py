"""ICS front ends: the Textual app, the line (screen-reader) mode, and the core they share."""
