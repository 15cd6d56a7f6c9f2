#!/usr/bin/env python
from doudi.cli import main

if __name__ == "__main__":
    main()
