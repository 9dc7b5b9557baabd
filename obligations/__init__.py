"""Obligations: documents in, validated per-field JSON out."""

__version__ = "0.1.0"
SCHEMA_VERSION = "1"
