"""SQL adapters of the operations ports, one module per aggregate (and the directories it reads)."""
