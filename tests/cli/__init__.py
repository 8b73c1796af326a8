"""Tests of factcheck.cli."""
