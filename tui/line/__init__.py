"""The line-by-line front end for screen-reader users (SPEC §7).

Linear output, one plain sentence per line, numbered lists, forms walked one field at a time,
errors as `Error: ...` lines; never colour, cursor movement, box drawing or redraws. It uses only
`tui.core` and the standard library: no Textual, no Rich, no readline.
"""
