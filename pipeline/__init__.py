"""The JTBD interview analyser: ingest → transcript → extraction → review → synthesis → export."""
