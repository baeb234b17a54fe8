"""The organizations context over HTTP."""
