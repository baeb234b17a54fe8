"""Use cases that span bounded contexts (flows).

A flow is pure domain code like a context's use case: it takes one unit of work that implements
every context port it needs (so the whole flow is one transaction), applies each context's own rules
through that context's public functions, and commits once. Contexts never import flows; flows may
import any context. Entrypoints call a flow where the action crosses contexts.
"""
