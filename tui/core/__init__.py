"""The client core both front ends drive. It must never import Textual or Rich (a test proves it)."""
