"""Tests of the analysis package: hand-computed metrics, seed stories, properties."""
