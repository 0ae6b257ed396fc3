"""Availability history: uptime on time, percentiles, incidents, rollups, badges, feed."""
