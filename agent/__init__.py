"""What users touch: CLI, config, LLM backends, narrator, verifier, review, chat."""

__version__ = "0.1.0"
