"""Running the monitor as a service: logging, doctor, retention (prune), export and import."""
