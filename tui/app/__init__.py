"""The Textual front end: login, My work, the contact form and the decision form.

It drives `tui.core` only; every service call runs in a thread worker so typing never waits
on the network."""
