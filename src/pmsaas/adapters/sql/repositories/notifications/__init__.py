"""SQL adapters of the notifications ports, one module per aggregate (and the recipients directory)."""
