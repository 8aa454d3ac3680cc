#!/usr/bin/env python
"""Same as the `dangjian` console command, for those used to manage.py."""

from dangjian.__main__ import main

if __name__ == "__main__":
    main()
