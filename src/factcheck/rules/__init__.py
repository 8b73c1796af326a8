"""The rule engine: rules declared like linter rules, one per file, collected by a registry."""
