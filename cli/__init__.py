"""The command line of afpools: ``python main.py <command>``; one module per command group."""
