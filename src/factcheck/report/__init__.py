"""Report building and rendering: JSON, Markdown, HTML and the terminal summary."""
