"""records: children, families, episodes, documents, drafts, the outbox and the audit."""
