"""Running consult: backing up and restoring its database."""
