"""The criteria of the four pillars; importing this package registers them all."""

from observatory.scoring.criteria import availability, completeness, conformity, freshness

__all__ = ["availability", "completeness", "conformity", "freshness"]
