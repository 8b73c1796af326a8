"""Ways to run the pipeline other than in this process: distributed batch stages on Ray
(`distributed`)."""
