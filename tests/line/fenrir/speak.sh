#!/bin/sh
# Fenrir's generic speech driver runs this once per utterance instead of a synthesiser
# (tests/line/test_screen_reader.py): $1 is the transcript file, $2 the text Fenrir would speak,
# after its own punctuation handling. One utterance a line, in the order Fenrir spoke them.
printf '%s\n' "$2" >> "$1"
