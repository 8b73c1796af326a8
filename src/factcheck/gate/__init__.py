"""The CI gate beside the data flow: evaluate a report against the reviews and the changed files
(`evaluate`), find the changed files with git (`git`), and say so to GitHub (`annotations`,
`sarif`)."""
