"""identity: the people who use ICS — users, teams, roles and sessions."""
