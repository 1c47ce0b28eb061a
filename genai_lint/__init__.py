"""genai-lint: checks a production's generative-AI manifests against the schema and studio rules."""

__version__ = "0.1.0"
