"""Tests of factcheck.match."""
