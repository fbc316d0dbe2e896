"""The rasa-sdk action server: one module per job. `rasa run actions` imports this package."""
