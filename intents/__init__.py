"""Intent classification for the helpline: see intents/README.md."""
