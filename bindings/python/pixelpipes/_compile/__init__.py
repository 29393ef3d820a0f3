"""Compiler internals: one pass per module. The driver is ``pixelpipes.compiler``."""
