"""Messages between challenge owners and companies."""
