"""Availability probes: files (HEAD/GET with fallbacks) and APIs (sample requests)."""
