"""The safety net: deterministic rules, built from named concepts in data/safety/, that decide
which safety reply a message needs. `component` plugs it into Rasa's NLU pipeline."""
