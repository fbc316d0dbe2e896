"""Input channels of our own (Rasa mounts each at /webhooks/<name>/)."""
