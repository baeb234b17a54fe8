"""The identity context over HTTP: sign-in and users (identity), API keys."""
