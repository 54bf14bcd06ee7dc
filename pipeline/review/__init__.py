"""Review stage: a local web page where the researcher checks each interview's extracted items."""
