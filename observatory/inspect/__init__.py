"""Inspection of downloaded content: format sniffing, Table Schema validation, completeness."""
