"""Models of this floor are added by the issues that build it."""
