"""Stand-in for Afanasy's afjob.py: prints the arguments it was given, as JSON."""

import json
import sys

print("afjob " + json.dumps(sys.argv[1:]))
