"""Human review beside the data flow: finding fingerprints (`fingerprint`), the reviews file
(`store`) and the interactive session of `factcheck review` (`session`)."""
