"""LAN discovery: ARP, zeroconf and reverse DNS sightings; plain Python, no Qt.

Entry points: ``scanner.scan.NetworkScan`` (plan, run with callbacks, cancel) and
``run_scan``; ``scanner.sighting.Sighting``; ``scanner.wake.wake``/``send_wake``;
``scanner.tcp_probe.host_answers``; errors in ``scanner.errors`` (one sentence each).
Heavy imports (scapy, zeroconf, dnspython) happen only when a scan runs.
"""
