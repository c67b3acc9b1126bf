"""ICS back-end services: identity, records and alerts, and what they share."""
