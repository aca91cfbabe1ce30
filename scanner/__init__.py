"""LAN discovery: ARP, zeroconf and reverse DNS sightings; plain Python, no Qt."""
