"""``chainermn`` = chainfuse.mn for the unchanged ChainerMN example (see ../README.md)."""
import sys

import chainfuse.mn

for _name, _module in list(sys.modules.items()):
    if _name == 'chainfuse.mn' or _name.startswith('chainfuse.mn.'):
        sys.modules['chainermn' + _name[len('chainfuse.mn'):]] = _module
